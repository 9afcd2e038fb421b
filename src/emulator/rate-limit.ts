/**
 * Per-token rate limit (reference §3): a fixed one-minute window per token, opened by the token's
 * first request, with the `inin-ratelimit-*` headers on every answer.
 */

/** One token's window. */
export interface RateWindow {
  readonly startMs: number;
  readonly count: number;
}

/** The decision for one request. */
export interface RateDecision {
  readonly window: RateWindow;
  readonly allowed: boolean;
  /** Headers for the answer: inin-ratelimit-count/allowed/reset, plus Retry-After when refused. */
  readonly headers: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/** Counts one request against `previous` (undefined: first request of the token). Pure. */
export function decideRate(
  previous: RateWindow | undefined,
  nowMs: number,
  limit: number,
): RateDecision {
  const current =
    previous === undefined || nowMs >= previous.startMs + WINDOW_MS
      ? { startMs: nowMs, count: 0 }
      : previous;
  const count = current.count + 1;
  const allowed = count <= limit;
  const resetSeconds = Math.max(1, Math.ceil((current.startMs + WINDOW_MS - nowMs) / 1000));
  const window = { startMs: current.startMs, count: allowed ? count : current.count };
  const headers: Record<string, string> = {
    'inin-ratelimit-count': String(Math.min(count, limit)),
    'inin-ratelimit-allowed': String(limit),
    'inin-ratelimit-reset': String(resetSeconds),
  };
  if (!allowed) headers['retry-after'] = String(resetSeconds);
  return { window, allowed, headers, retryAfterSeconds: resetSeconds };
}

/** The rate limiter of one emulator: windows per token. */
export interface RateLimiter {
  check(token: string, nowMs: number): RateDecision;
}

/** Creates a limiter allowing `limit` requests per token per minute. */
export function createRateLimiter(limit: number): RateLimiter {
  const windows = new Map<string, RateWindow>();
  return {
    check: (token, nowMs) => {
      const decision = decideRate(windows.get(token), nowMs, limit);
      windows.set(token, decision.window);
      return decision;
    },
  };
}
