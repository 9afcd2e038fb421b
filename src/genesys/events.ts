/**
 * Events the client emits so telemetry can count API calls, retries, 429s and token renewals
 * without the client knowing about metrics (DESIGN "Telemetry and audit").
 */

/** One event of the Genesys client. `route` is a template with `{id}` placeholders, never an id. */
export type ClientEvent =
  | {
      readonly type: 'request';
      readonly method: string;
      readonly route: string;
      /** HTTP status; 0 for a network failure or a timeout. */
      readonly status: number;
      readonly durationMs: number;
      readonly attempt: number;
      readonly correlationId?: string;
    }
  | {
      readonly type: 'retry';
      readonly method: string;
      readonly route: string;
      /** The attempt that failed, and the most attempts a call makes (the first included). */
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly type: 'rate-limited';
      readonly method: string;
      readonly route: string;
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'token'; readonly outcome: 'renewed' | 'failed'; readonly durationMs: number };
