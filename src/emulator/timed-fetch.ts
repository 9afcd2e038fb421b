/**
 * One outgoing HTTP exchange with a deadline on the injected clock (so tests drive timeouts by
 * advancing a fake clock). Used by data action execution and gateway tool invocation.
 */
import type { Deps } from '../deps.js';

/** How an exchange ended. */
export type FetchOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly text: string;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: unknown };

/** What to send. */
export interface OutgoingRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** Sends `request` and reads the whole answer, or gives up after `timeoutMs`. Never throws. */
export async function timedFetch(
  deps: Pick<Deps, 'clock' | 'fetch'>,
  request: OutgoingRequest,
  timeoutMs: number,
): Promise<FetchOutcome> {
  const abort = new AbortController();
  const stopTimer = new AbortController();
  const exchange = (async (): Promise<FetchOutcome> => {
    try {
      const res = await deps.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        signal: abort.signal,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      return {
        kind: 'response',
        status: res.status,
        headers: Object.fromEntries(res.headers),
        text: await res.text(),
      };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  const timer = deps.clock.sleep(timeoutMs, stopTimer.signal).then(
    (): FetchOutcome => ({ kind: 'timeout' }),
    (): FetchOutcome => ({ kind: 'timeout' }),
  );
  const first = await Promise.race([exchange, timer]);
  if (first.kind === 'timeout') abort.abort(new Error('timeout'));
  else stopTimer.abort();
  return first;
}

/** A short description of a network failure ("Connection refused", "Connection reset", ...). */
export function networkFailureMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'Connection reset';
  return `Request to backend service failed: ${cause instanceof Error ? cause.message : 'network error'}`;
}
