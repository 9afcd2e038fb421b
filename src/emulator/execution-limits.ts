/**
 * Data-action execution limits of the org (reference §3, §10.3): at most
 * `actions.concurrent.executions.max` executions at once (default 15) and `requests.volume.max`
 * per minute (default 900), counted over `/execute`, `/test` and `/draft/test`. Past a limit the
 * platform reports "Concurrency Rate Limit" or "Volume Rate Limit" errors; the emulator answers a
 * 429 `too.many.requests` ErrorBody naming the limit, with its `limit {key, namespace, value}`
 * (§4) and `Retry-After`. The limits are read with
 * `GET /api/v2/organizations/limits/namespaces/dataactions` (a `LimitsEntityListing`).
 */
import type { RateWindow } from './rate-limit.js';
import { decideRate } from './rate-limit.js';
import { ApiFailure } from './wire.js';

/** The limits namespace of data actions. */
export const DATA_ACTIONS_NAMESPACE = 'dataactions';

/** One `Limit` as the limits API returns it. */
export interface LimitWire {
  readonly key: string;
  readonly namespace: string;
  readonly value: number;
}

/** The configured execution limits. */
export interface ExecutionLimits {
  readonly concurrency: number;
  readonly perMinute: number;
}

/** The platform's defaults (Blueprint, reference §10.3). */
export const DEFAULT_EXECUTION_LIMITS: ExecutionLimits = { concurrency: 15, perMinute: 900 };

/** The limits as `Limit` entities. Pure. */
export function limitEntities(limits: ExecutionLimits): readonly LimitWire[] {
  return [
    {
      key: 'actions.concurrent.executions.max',
      namespace: DATA_ACTIONS_NAMESPACE,
      value: limits.concurrency,
    },
    { key: 'requests.volume.max', namespace: DATA_ACTIONS_NAMESPACE, value: limits.perMinute },
  ];
}

/** The 429 of an execution past one of the limits. */
export function executionLimitFailure(
  kind: 'concurrency' | 'volume',
  value: number,
  retryAfterSeconds: number,
): ApiFailure {
  const retry = `Retry the request in [${String(retryAfterSeconds)}] seconds`;
  const [key, message] =
    kind === 'concurrency'
      ? [
          'actions.concurrent.executions.max',
          `Concurrency Rate Limit exceeded: the organization already runs ${String(value)} data action executions at once (actions.concurrent.executions.max). ${retry}`,
        ]
      : [
          'requests.volume.max',
          `Volume Rate Limit exceeded: the organization has run ${String(value)} data action executions this minute (requests.volume.max). ${retry}`,
        ];
  return new ApiFailure(429, 'too.many.requests', message, {
    limit: { key, namespace: DATA_ACTIONS_NAMESPACE, value },
    messageParams: { limit: key, value: String(value), retryAfter: String(retryAfterSeconds) },
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

/** Counts executions of one org. */
export interface ExecutionLimiter {
  /**
   * Admits one execution at `nowMs` and returns the function that ends it.
   * @throws ApiFailure 429 too.many.requests naming the limit that is reached.
   */
  admit(nowMs: number): () => void;
}

/** Creates the limiter: a running count and a fixed one-minute window from its first execution. */
export function createExecutionLimiter(limits: ExecutionLimits): ExecutionLimiter {
  let running = 0;
  let window: RateWindow | undefined;
  return {
    admit: (nowMs) => {
      if (running >= limits.concurrency) {
        throw executionLimitFailure('concurrency', limits.concurrency, 1);
      }
      const decision = decideRate(window, nowMs, limits.perMinute);
      window = decision.window;
      if (!decision.allowed) {
        throw executionLimitFailure('volume', limits.perMinute, decision.retryAfterSeconds);
      }
      running += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        running -= 1;
      };
    },
  };
}
