/**
 * One attempt's effects for the HTTP pipeline (`send.ts`): getting a token (a busy or down login
 * host is a retryable failure) and one fetch with its per-attempt timeout, classified as an answer
 * or a failure.
 */
import type { Deps } from '../deps.js';
import type { GenesysApiError } from '../errors.js';
import { GenesysRateLimitError, GenesysUnavailableError } from '../errors.js';
import { attemptSignal } from './attempt-signal.js';
import type { RateLimitPermit } from './rate-limiter.js';
import type { AttemptOutcome } from './retry.js';
import type { TokenProvider } from './token-provider.js';
import { parseJson } from './token-provider.js';
import type { SendRequest } from './transport.js';

export type Exchange =
  | { readonly kind: 'answer'; readonly response: Response; readonly body: unknown }
  | { readonly kind: 'failure'; readonly outcome: AttemptOutcome; readonly cause: unknown };

/** A failed attempt, classified for the retry decision. */
export interface AttemptFailure {
  readonly kind: 'failure';
  readonly error: GenesysApiError;
  readonly outcome: AttemptOutcome;
  readonly hintMs: number | undefined;
}

/** Sends one attempt of a call and reads its answer; releases the limiter slot either way. */
export async function exchange(
  deps: Deps,
  request: SendRequest,
  url: string,
  token: string,
  timeoutMs: number,
  permit: RateLimitPermit,
): Promise<Exchange> {
  const attempt = attemptSignal(deps.clock, timeoutMs, request.signal);
  try {
    const response = await deps.fetch(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: request.accept ?? 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: attempt.signal,
    });
    const text = await response.text();
    const type = response.headers.get('content-type');
    const asText = request.responseType === 'text' && response.ok;
    const body = !asText && (type === null || type.includes('json')) ? parseJson(text) : text;
    return { kind: 'answer', response, body };
  } catch (error) {
    if (request.signal?.aborted === true) throw request.signal.reason;
    return attempt.timedOut()
      ? { kind: 'failure', outcome: { kind: 'timeout' }, cause: error }
      : { kind: 'failure', outcome: { kind: 'network' }, cause: error };
  } finally {
    permit.release();
    attempt.dispose();
  }
}

/** Gets a token; a login host that is down or busy is a retryable failure, not a throw. */
export async function obtainToken(
  tokens: TokenProvider,
  request: SendRequest,
): Promise<{ readonly token: string } | AttemptFailure> {
  try {
    return { token: await tokens.getToken(request.signal) };
  } catch (caught) {
    // Refused credentials are final; an unavailable or rate-limited login host is not.
    if (!(caught instanceof GenesysUnavailableError || caught instanceof GenesysRateLimitError)) {
      throw caught;
    }
    // The call itself never left: repeating it is safe whatever its method.
    return {
      kind: 'failure',
      error: caught,
      outcome: { kind: 'unsent' },
      hintMs: caught.retryAfterMs,
    };
  }
}
