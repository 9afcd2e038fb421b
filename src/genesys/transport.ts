/**
 * The contract of the HTTP pipeline (DESIGN "src/genesys/"): the calls API methods hand to a
 * `Transport`, the answers it returns, and the `Transport` interface `createTransport` implements.
 */
import type { QueryValues } from './route.js';

/** HTTP methods the client uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options every API method accepts. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** One API call. */
export interface SendRequest extends CallOptions {
  readonly method: HttpMethod;
  /** Path template with `{name}` placeholders: `/api/v2/integrations/actions/{id}`. */
  readonly route: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: QueryValues;
  /** JSON body. */
  readonly body?: unknown;
  /** Marks a POST safe to repeat (STYLE §8); other methods are repeated anyway. */
  readonly idempotent?: boolean;
  /** `Accept` header; `application/json` unless given (templates are read with any type). */
  readonly accept?: string;
  /** `text` keeps a 2xx body as text whatever its content type (templates). Default `json`. */
  readonly responseType?: 'json' | 'text';
}

/** A 2xx answer. */
export interface SendResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text for non-JSON answers, or undefined when empty. */
  readonly body: unknown;
  readonly correlationId: string | undefined;
}

/** Sends API calls through the pipeline. */
export interface Transport {
  /**
   * Sends one call, retrying as the policy allows.
   * @throws GenesysApiError (one of its subclasses) for any non-2xx answer, network failure or timeout.
   */
  send(request: SendRequest): Promise<SendResponse>;
}
