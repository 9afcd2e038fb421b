/**
 * The tool's `rateLimit` as a token bucket (DESIGN "Invocation contract", RATE_LIMITED): holds at
 * most `burstSize` tokens, refills `requestsPerMinute` per minute, one token per call.
 */
import type { Clock } from '../deps.js';
import type { RateLimitPolicy } from '../definition/index.js';

/** The bucket's state: tokens (fractional while refilling) at a point in time. */
export interface BucketState {
  readonly tokens: number;
  readonly atMs: number;
}

/** The result of taking one token. */
export type TakeResult =
  | { readonly ok: true; readonly state: BucketState }
  | { readonly ok: false; readonly state: BucketState; readonly retryAfterMs: number };

/** A full bucket at `nowMs`. */
export function fullBucket(policy: RateLimitPolicy, nowMs: number): BucketState {
  return { tokens: policy.burstSize, atMs: nowMs };
}

/** Takes one token if there is one; otherwise says how long until one is there. Pure. */
export function takeToken(state: BucketState, policy: RateLimitPolicy, nowMs: number): TakeResult {
  const perMs = policy.requestsPerMinute / 60_000;
  // A clock that steps back (NTP) must not mint tokens: elapsed time is never negative.
  const elapsedMs = Math.max(0, nowMs - state.atMs);
  const tokens = Math.min(policy.burstSize, state.tokens + elapsedMs * perMs);
  if (tokens >= 1) return { ok: true, state: { tokens: tokens - 1, atMs: nowMs } };
  const retryAfterMs = perMs > 0 ? Math.ceil((1 - tokens) / perMs) : Number.POSITIVE_INFINITY;
  return { ok: false, state: { tokens, atMs: nowMs }, retryAfterMs };
}

/** A stateful bucket for one tool, reading time from the injected clock. */
export interface TokenBucket {
  /** Takes a token; `retryAfterMs` is set when none is left. */
  take(): { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };
}

/** Builds the bucket of one tool, full at start. */
export function createTokenBucket(policy: RateLimitPolicy, clock: Clock): TokenBucket {
  let state = fullBucket(policy, clock.nowMs());
  return {
    take: () => {
      const result = takeToken(state, policy, clock.nowMs());
      state = result.state;
      return result.ok ? { ok: true } : { ok: false, retryAfterMs: result.retryAfterMs };
    },
  };
}
