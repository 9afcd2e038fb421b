/**
 * Per-tool resilience policies, built once at start and shared by every call of the tool (STYLE §8),
 * in DESIGN's order: rate limit ▸ bulkhead ▸ breaker ▸ timeout ▸ retry ▸ handler.
 *
 * Retry sits INSIDE the timeout: `timeoutMs` is the budget of the whole invocation, as Genesys'
 * `timeoutSeconds` is for the whole data action call, so retries never stretch a call past what the
 * caller waits for; and the breaker outside both counts one failure per invocation, not one per
 * attempt, so a tool with `retries: 2` does not open its breaker three times as fast.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
} from 'cockatiel';
import type { BulkheadPolicy, CircuitBreakerPolicy, RetryPolicy, TimeoutPolicy } from 'cockatiel';
import type { Clock } from '../deps.js';
import { isRetryableToolError } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import { InvocationError } from '../errors.js';
import { createTokenBucket } from './token-bucket.js';
import type { TokenBucket } from './token-bucket.js';

/** Circuit states as the registry endpoint and the observer name them. */
export type CircuitName = 'closed' | 'open' | 'half-open';

/** What runs one attempt of the handler; receives the attempt number (1-based) and the signal. */
export type Attempt<T> = (attempt: number, signal: AbortSignal) => Promise<T>;

/** The outcome of running a call through the policies. */
export interface PolicyRun<T> {
  readonly value: T;
  readonly attempts: number;
}

/** One tool's policies. */
export interface ToolPolicies {
  /**
   * Runs `attempt` through bulkhead, breaker, timeout and retry (the rate limit is `admit`).
   * `finish` runs inside the breaker after the last attempt (output checks count as failures).
   * @throws InvocationError OVERLOADED, CIRCUIT_OPEN, TOOL_EXECUTION_TIMEOUT; or the handler's error.
   */
  run<T>(
    attempt: Attempt<T>,
    finish: (value: T) => T,
    callerSignal: AbortSignal,
  ): Promise<PolicyRun<T>>;
  /** Takes a rate-limit token. @throws InvocationError RATE_LIMITED with retryAfterMs. */
  admit(): void;
  circuit(): CircuitName;
}

const RETRY_INITIAL_DELAY_MS = 50;
const RETRY_MAX_DELAY_MS = 2_000;

function circuitName(state: CircuitState): CircuitName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}

/** Seconds to put in `Retry-After`: whole seconds, at least 1 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/** Builds the policies of one tool. `onCircuit` hears every breaker state change. */
export function createToolPolicies(
  tool: ToolDefinition,
  deps: { readonly clock: Clock; readonly onCircuit: (state: CircuitName) => void },
): ToolPolicies {
  const bucket: TokenBucket = createTokenBucket(tool.rateLimit, deps.clock);
  const bulk: BulkheadPolicy = bulkhead(tool.concurrency.maxConcurrent, tool.concurrency.maxQueue);
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    breaker: new ConsecutiveBreaker(tool.circuitBreaker.consecutiveFailures),
    halfOpenAfter: tool.circuitBreaker.halfOpenAfterMs,
  });
  // Aggressive: the reply does not wait for a handler that ignores its signal (issue 6 §3); the
  // signal is still aborted, so a handler that honours it stops its work.
  // abortOnReturn off: aborting on every return costs a DOMException and a rejected race promise
  // per call (measured: a large share of the pipeline's CPU); a finished handler needs no signal.
  const timer: TimeoutPolicy = timeout(tool.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: false,
  });
  const retrier: RetryPolicy = retry(handleWhen(isRetryableToolError), {
    maxAttempts: tool.retries,
    backoff: new ExponentialBackoff({
      initialDelay: RETRY_INITIAL_DELAY_MS,
      maxDelay: RETRY_MAX_DELAY_MS,
    }),
  });

  // cockatiel's breaker keeps its own open time; this copy (on the injected clock) only feeds
  // Retry-After, so a test clock cannot make the breaker itself misbehave.
  let openedAtMs = 0;
  breaker.onBreak(() => {
    openedAtMs = deps.clock.nowMs();
  });
  breaker.onStateChange((state) => {
    deps.onCircuit(circuitName(state));
  });

  const run = async <T>(
    attempt: Attempt<T>,
    finish: (value: T) => T,
    callerSignal: AbortSignal,
  ): Promise<PolicyRun<T>> => {
    let attempts = 0;
    // cockatiel aborts the timeout signal on every return too (abortOnReturn), so "the signal is
    // aborted" alone does not mean "timed out": note whether it fired while the work still ran.
    let timedOut = false;
    try {
      const value = await bulk.execute(
        () =>
          breaker.execute(
            () =>
              timer.execute(async (_ctx, signal) => {
                let running = true;
                signal.addEventListener(
                  'abort',
                  () => {
                    if (running && !callerSignal.aborted) timedOut = true;
                  },
                  { once: true },
                );
                try {
                  const result = await retrier.execute(({ attempt: n, signal: s }) => {
                    attempts = n + 1;
                    return attempt(n + 1, s);
                  }, signal);
                  return finish(result);
                } finally {
                  running = false;
                }
              }, callerSignal),
            callerSignal,
          ),
        callerSignal,
      );
      return { value, attempts };
    } catch (error) {
      throw classify(error, { timedOut, attempts });
    }
  };

  const classify = (
    error: unknown,
    seen: { readonly timedOut: boolean; readonly attempts: number },
  ): unknown => {
    if (error instanceof BulkheadRejectedError) {
      return new InvocationError(
        'OVERLOADED',
        `tool "${tool.name}" is at its concurrency limit (${tool.concurrency.maxConcurrent} running, ${tool.concurrency.maxQueue} queued); retry shortly.`,
      );
    }
    if (error instanceof BrokenCircuitError) {
      const elapsedMs = deps.clock.nowMs() - openedAtMs;
      const retryAfterMs = Math.max(0, tool.circuitBreaker.halfOpenAfterMs - elapsedMs);
      return new InvocationError(
        'CIRCUIT_OPEN',
        `tool "${tool.name}" is failing repeatedly and its circuit is open; it is probed again shortly.`,
        { retryAfterMs },
      );
    }
    // STYLE §8: a handler that honours its signal throws its own AbortError, one that ignores it
    // is cut off with TaskCancelledError: classify by which signal fired, not by the error class.
    if (seen.timedOut) {
      return new InvocationError(
        'TOOL_EXECUTION_TIMEOUT',
        `tool "${tool.name}" did not finish within ${tool.timeoutMs} ms.`,
        { details: { attempts: seen.attempts } },
      );
    }
    return error;
  };

  return {
    run,
    admit: () => {
      const taken = bucket.take();
      if (!taken.ok) {
        throw new InvocationError(
          'RATE_LIMITED',
          `tool "${tool.name}" allows ${tool.rateLimit.requestsPerMinute} calls per minute (burst ${tool.rateLimit.burstSize}); retry after the Retry-After time.`,
          { retryAfterMs: taken.retryAfterMs },
        );
      }
    },
    circuit: () => circuitName(breaker.state),
  };
}
