/**
 * A tool's rate limit held in the shared store, with the tool's policy for when the store cannot
 * answer (`rateLimit.onStoreDown`): serve the replica's share of the limit from an in-process
 * bucket, or refuse with STORE_UNAVAILABLE.
 */
import type { Clock } from '../deps.js';
import { DEFAULT_ON_STORE_DOWN } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import { refusalError } from './refusal-error.js';
import type { LimitVerdict, SharedState } from './shared-state.js';
import { replicaShare } from './shared-state.js';
import { createTokenBucket } from './token-bucket.js';

/** How long a caller refused for a store outage is told to wait. */
const STORE_DOWN_RETRY_AFTER_MS = 1000;

/**
 * Builds the admission of one tool against the shared store.
 * @throws InvocationError STORE_UNAVAILABLE (from the returned function) when the store is down
 *   and the tool's policy is `closed`.
 */
export function createSharedAdmission(
  tool: ToolDefinition,
  shared: SharedState,
  clock: Clock,
): () => Promise<LimitVerdict> {
  const limiter = shared.limiter(tool.name, tool.rateLimit);
  const onStoreDown = tool.rateLimit.onStoreDown ?? DEFAULT_ON_STORE_DOWN;
  const share = createTokenBucket(replicaShare(tool.rateLimit, shared.replicas), clock);
  return async () => {
    try {
      return await limiter.consume();
    } catch {
      if (onStoreDown === 'closed') {
        shared.storeDownCall({ use: 'rate-limit', action: 'refused', tool: tool.name });
        throw refusalError(
          'STORE_UNAVAILABLE',
          `tool "${tool.name}" has its rate limit in the shared store, which is unreachable, and rateLimit.onStoreDown is "closed"; retry shortly.`,
          { retryAfterMs: STORE_DOWN_RETRY_AFTER_MS },
        );
      }
      shared.storeDownCall({ use: 'rate-limit', action: 'local-share', tool: tool.name });
      return share.take();
    }
  };
}
