/**
 * A tool's policies (rate limit, timeout, retries, concurrency, circuit breaker) with their ranges
 * and defaults (DESIGN "Tool definition"). The defaults live here and nowhere else (STYLE §5);
 * the README's "Writing a tool" quotes them.
 */
import { z } from 'zod';
import { DEFAULT_ON_STORE_DOWN } from './types.js';

const policyInt = (min: number, max: number) => z.int().min(min).max(max);

/** Policy fields with their ranges and defaults; shared with the manifest format. */
export const PolicyShape = {
  rateLimit: z
    .strictObject({
      requestsPerMinute: policyInt(1, 1_000_000),
      // A burst larger than this is no limit at all; 10,000 also bounds the bucket's memory.
      burstSize: policyInt(1, 10_000),
      // When the limit is shared in Redis and Redis is unreachable: serve a per-replica share of
      // the limit (availability), or refuse with STORE_UNAVAILABLE (a backend that must never get
      // more). README "Several replicas".
      onStoreDown: z.enum(['local-share', 'closed']).default(DEFAULT_ON_STORE_DOWN),
    })
    .default({ requestsPerMinute: 60, burstSize: 10, onStoreDown: DEFAULT_ON_STORE_DOWN }),
  // Genesys stops a data action at 60 s (reference §7.4), so a longer timeout can never be used.
  timeoutMs: policyInt(1, 60_000).default(5000),
  retries: policyInt(0, 5).default(1),
  concurrency: z
    .strictObject({ maxConcurrent: policyInt(1, 10_000), maxQueue: policyInt(0, 100_000) })
    .default({ maxConcurrent: 50, maxQueue: 100 }),
  circuitBreaker: z
    .strictObject({
      consecutiveFailures: policyInt(1, 1000),
      halfOpenAfterMs: policyInt(1, 3_600_000),
    })
    .default({ consecutiveFailures: 5, halfOpenAfterMs: 30_000 }),
} as const;

/** The policy field names, to tell a policy's problem from another field's. */
export const POLICY_KEYS: ReadonlySet<string> = new Set(Object.keys(PolicyShape));
