/**
 * Pure retry decisions of the HTTP pipeline (STYLE §7): which answers are worth another attempt
 * and how long to wait before it. Rules from reference §3 (the Go SDK and Terraform retry 429 and
 * 5xx except 501, and connection errors; the JS SDK retries nothing).
 */

/** How waiting between attempts is bounded. */
export interface BackoffPolicy {
  /** First computed backoff, doubled per attempt. */
  readonly baseMs: number;
  /** Largest computed backoff. */
  readonly maxMs: number;
  /** Largest wait a server's Retry-After (or a 429's inin-ratelimit-reset) may ask for. */
  readonly retryAfterCapMs: number;
}

/** What one attempt ended with, as far as the retry decision cares. */
export type AttemptOutcome =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'network' }
  | { readonly kind: 'timeout' }
  /** The call was never sent (no token): always safe to repeat. */
  | { readonly kind: 'unsent' };

/** True for the statuses worth another attempt: 429 and 5xx except 501 (not implemented). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * True when an attempt may be repeated. A POST is repeated only when the caller marked it
 * idempotent, because the first one may have been carried out (the sync layer reconciles
 * instead) — except after a 429, which Genesys answers before doing anything.
 */
export function shouldRetry(outcome: AttemptOutcome, method: string, idempotent: boolean): boolean {
  if (outcome.kind === 'unsent') return true;
  if (outcome.kind === 'status' && !isRetryableStatus(outcome.status)) return false;
  if (outcome.kind === 'status' && outcome.status === 429) return true;
  return idempotent || method.toUpperCase() !== 'POST';
}

/** Read-only view of response headers (`Headers` satisfies it). */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The wait a server asks for, in milliseconds: `Retry-After` first (delay-seconds or an HTTP
 * date, RFC 9110 §10.2.3), then, on a 429 only, Genesys' `inin-ratelimit-reset` (seconds to the
 * rate-limit window's reset, reference §3). Genesys sends `inin-ratelimit-*` on every answer, so
 * on a 5xx it says nothing about when the server recovers: a 5xx without `Retry-After` is
 * retried after the backoff. Undefined when no hint applies.
 */
export function serverRetryAfterMs(
  headers: HeaderReader,
  nowMs: number,
  status: number,
): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const parsed = parseRetryAfterMs(retryAfter, nowMs);
    if (parsed !== undefined) return parsed;
  }
  if (status !== 429) return undefined;
  const reset = headers.get('inin-ratelimit-reset');
  if (reset !== null && /^\s*\d+(\.\d+)?\s*$/.test(reset)) return Math.round(Number(reset) * 1000);
  return undefined;
}

/** Parses a `Retry-After` value: delay-seconds or an HTTP date; past dates give 0. */
export function parseRetryAfterMs(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The wait before attempt `attempt + 1` (attempts count from 1). A server's hint wins, capped at
 * `retryAfterCapMs`; otherwise exponential backoff `baseMs * 2^(attempt-1)` capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so that parallel callers spread out but never
 * retry at once.
 */
export function retryDelayMs(
  attempt: number,
  serverHintMs: number | undefined,
  policy: BackoffPolicy,
  random: () => number,
): number {
  if (serverHintMs !== undefined)
    return Math.min(Math.max(0, serverHintMs), policy.retryAfterCapMs);
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + half * Math.min(1, Math.max(0, random())));
}
