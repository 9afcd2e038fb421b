/**
 * State shared by every replica of the server (issue 16 §1): per-tool rate limits and the
 * signed-call replay cache. Unset, both stay in process (token-bucket.ts, caller-auth.ts); set,
 * they live in a store every replica reaches (redis-shared-state.ts builds the Redis one).
 * Circuit breakers stay per replica on purpose (README "Several replicas").
 */
import type { RateLimitPolicy } from '../definition/index.js';

/** One call's verdict from a rate limiter. */
export type LimitVerdict =
  { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** A tool's limit held in the shared store. */
export interface SharedLimiter {
  /**
   * Takes one call from the shared limit.
   * @throws Error when the store cannot answer (unreachable, timed out): the caller's policy decides.
   */
  consume(): Promise<LimitVerdict>;
}

/** What the shared state reports to telemetry (the telemetry room copies this shape). */
export type SharedStateEvent =
  | { readonly type: 'store'; readonly up: boolean }
  | {
      readonly type: 'store-down-call';
      /** What the call needed the store for. */
      readonly use: 'rate-limit' | 'replay';
      /** What the policy did: served it from the replica's share, or refused it. */
      readonly action: 'local-share' | 'refused';
      /** The tool, for rate limits (a served tool's name: a bounded label). */
      readonly tool?: string;
    };

/** State shared by the replicas; built by the CLI, closed by the CLI after the server. */
export interface SharedState {
  /** The tool's limit in the store (built once per tool at start). */
  limiter(toolName: string, policy: RateLimitPolicy): SharedLimiter;
  /**
   * Records a signed call's id for `ttlMs` (`SET NX PX`); false when another call, on any replica,
   * had it first.
   * @throws Error when the store cannot answer.
   */
  rememberOnce(id: string, ttlMs: number): Promise<boolean>;
  /** Whether the store answers now (readiness detail, metric). */
  isUp(): boolean;
  /** How many replicas share the limits: a replica's share while the store is down is 1/replicas. */
  readonly replicas: number;
  /** Counts a call that found the store down (metric, debug log). */
  storeDownCall(event: Omit<Extract<SharedStateEvent, { type: 'store-down-call' }>, 'type'>): void;
  close(): Promise<void>;
}

/** A fixed window of the shared limit: `points` calls per `durationSeconds`. */
export interface SharedWindow {
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * The fixed window that holds a token bucket's promise in the store. A fixed window of P calls
 * per D seconds admits at most P·(⌈t/D⌉ + 1) calls in any span of t seconds (the span touches at
 * most ⌈t/D⌉ + 1 windows). With P = ⌊burst/2⌋ and D = ⌈60·P/rate⌉ that is at most
 * burst + rate·t/60, the bucket's own bound, and the long-run rate is at most the bucket's.
 * The price: a caller idle for long finds ⌊burst/2⌋ calls at once rather than burst. When the rate
 * per second is above burst/2 the window is one second of ⌊rate/60⌋ calls (the store counts whole
 * seconds), so the bound is 2·⌊rate/60⌋ + rate·t/60; with burst 1 it is 2 + rate·t/60. Pure.
 */
export function sharedWindow(
  policy: Pick<RateLimitPolicy, 'requestsPerMinute' | 'burstSize'>,
): SharedWindow {
  const half = Math.max(1, Math.floor(policy.burstSize / 2));
  const exactSeconds = (60 * half) / policy.requestsPerMinute;
  if (exactSeconds >= 1) return { points: half, durationSeconds: Math.ceil(exactSeconds) };
  return { points: Math.max(1, Math.floor(policy.requestsPerMinute / 60)), durationSeconds: 1 };
}

/** Most calls a window admits in any span of `spanMs`: P·(⌈t/D⌉ + 1). Pure. */
export function sharedWindowBound(window: SharedWindow, spanMs: number): number {
  return window.points * (Math.ceil(spanMs / (window.durationSeconds * 1000)) + 1);
}

/** A replica's share of the limit while the store is down: rate and burst divided by replicas. Pure. */
export function replicaShare(policy: RateLimitPolicy, replicas: number): RateLimitPolicy {
  return {
    ...policy,
    requestsPerMinute: policy.requestsPerMinute / replicas,
    burstSize: Math.max(1, Math.floor(policy.burstSize / replicas)),
  };
}
