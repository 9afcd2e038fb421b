/**
 * Per-tool resilience policies, built once at start and shared by every call of the tool (STYLE §8),
 * in DESIGN's order: rate limit ▸ bulkhead ▸ breaker ▸ timeout ▸ retry ▸ handler.
 *
 * Retry sits INSIDE the timeout: `timeoutMs` is the budget of the whole invocation, as Genesys'
 * `timeoutSeconds` is for the whole data action call, so retries never stretch a call past what the
 * caller waits for; and the breaker outside both counts one failure per invocation, not one per
 * attempt, so a tool with `retries: 2` does not open its breaker three times as fast. The breaker
 * counts only the tool's faults (circuit-breaker.ts).
 */
import {
  BulkheadRejectedError,
  ExponentialBackoff,
  TaskCancelledError,
  bulkhead,
  handleWhen,
  retry,
} from 'cockatiel';
import type { BulkheadPolicy, RetryPolicy } from 'cockatiel';
import type { Clock } from '../deps.js';
import { isRetryableToolError } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import { InvocationError, asInvocationError } from '../errors.js';
import { refusalError } from './refusal-error.js';
import type { CallCancellation } from './call-cancellation.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import type { CallVerdict, CircuitName } from './circuit-breaker.js';
import { createSharedAdmission } from './shared-limit.js';
import type { LimitVerdict, SharedState } from './shared-state.js';
import { createTokenBucket } from './token-bucket.js';

export type { CircuitName } from './circuit-breaker.js';
export { CallCancellation, InFlightCalls } from './call-cancellation.js';

/** What runs one attempt of the handler; receives the attempt number (1-based). */
export type Attempt<T> = (attempt: number) => Promise<T>;

/** A signal that never aborts, for the bulkhead when a slot is free (it reads it only to queue). */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;

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
   * @throws InvocationError OVERLOADED, CIRCUIT_OPEN, TOOL_EXECUTION_TIMEOUT, CALLER_GONE; or the
   *   handler's error.
   */
  run<T>(
    attempt: Attempt<T>,
    finish: (value: T) => T,
    call: CallCancellation,
  ): Promise<PolicyRun<T>>;
  /**
   * Takes a rate-limit token: at once from the in-process bucket, or a promise when the limit is
   * in the shared store (no promise, hence no extra tick, on the in-process path).
   * @throws InvocationError RATE_LIMITED with retryAfterMs; STORE_UNAVAILABLE (shared store down,
   *   tool policy `closed`).
   */
  admit(): void | Promise<void>;
  circuit(): CircuitName;
}

const RETRY_INITIAL_DELAY_MS = 50;
const RETRY_MAX_DELAY_MS = 2_000;

/** Seconds to put in `Retry-After`: whole seconds, at least 1 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/**
 * What a failed call says about the tool: a fault (it threw, broke its output schema or timed
 * out), or nothing (the caller's 4xx — bad parameters a zod `.refine` found included — the caller
 * hanging up, shutdown). Pure.
 */
export function verdictOf(error: unknown, cancelled: CallCancellation['reason']): CallVerdict {
  if (cancelled === 'timeout') return 'fault';
  if (cancelled !== undefined) return 'neutral';
  const invocation = asInvocationError(error);
  return invocation !== undefined && invocation.httpStatus < 500 ? 'neutral' : 'fault';
}

/** Builds the policies of one tool. `onCircuit` hears every breaker state change. */
export function createToolPolicies(
  tool: ToolDefinition,
  deps: {
    readonly clock: Clock;
    readonly onCircuit: (state: CircuitName) => void;
    /** Set: the rate limit is shared by the replicas through this store. */
    readonly shared?: SharedState | undefined;
  },
): ToolPolicies {
  const shared =
    deps.shared === undefined ? undefined : createSharedAdmission(tool, deps.shared, deps.clock);
  const bucket = shared === undefined ? createTokenBucket(tool.rateLimit, deps.clock) : undefined;
  const bulk: BulkheadPolicy = bulkhead(tool.concurrency.maxConcurrent, tool.concurrency.maxQueue);
  const breaker = createCircuitBreaker(tool.circuitBreaker, {
    nowMs: () => deps.clock.nowMs(),
    onChange: deps.onCircuit,
  });
  const retrier: RetryPolicy = retry(handleWhen(isRetryableToolError), {
    maxAttempts: tool.retries,
    backoff: new ExponentialBackoff({
      initialDelay: RETRY_INITIAL_DELAY_MS,
      maxDelay: RETRY_MAX_DELAY_MS,
    }),
  });

  /**
   * The timeout, aggressive (issue 6 §3): the reply does not wait for a handler that ignores its
   * signal; the signal is still aborted, so a handler that honours it stops its work. One timer
   * and one promise per call. It rejects with `TaskCancelledError` when the call is aborted for
   * any reason; `classify` tells why by `call.reason`, not by the error's class (STYLE §8).
   */
  const withTimeout = <T>(work: () => Promise<T>, call: CallCancellation): Promise<T> => {
    const cancelled = new Promise<never>((_resolve, reject) => {
      call.onAbort = () => {
        reject(new TaskCancelledError(`call cancelled (${call.reason ?? 'unknown'})`));
      };
    });
    const timer = setTimeout(() => {
      call.timeOut();
    }, tool.timeoutMs);
    const done = work().finally(() => {
      clearTimeout(timer);
      call.onAbort = undefined;
    });
    if (call.aborted) call.onAbort?.();
    return Promise.race([done, cancelled]);
  };

  /**
   * Runs the attempts. The first runs outside cockatiel's retry: most calls succeed at once, and
   * the retry policy only acts on a failure. A failed first attempt is handed to the retry policy
   * as its own first result, so which failures are retried, the backoff and the give-up are
   * exactly the policy's.
   */
  const attemptAll = async <T>(
    attempt: Attempt<T>,
    call: CallCancellation,
    seen: { attempts: number },
  ): Promise<T> => {
    seen.attempts = 1;
    try {
      return await attempt(1);
    } catch (error) {
      return retrier.execute(({ attempt: n }) => {
        if (n === 0) throw error;
        seen.attempts = n + 1;
        return attempt(n + 1);
      }, call.signal);
    }
  };

  /** The breaker around timeout, retry and handler; counts one verdict per call. */
  const inBreaker = async <T>(work: () => Promise<T>, call: CallCancellation): Promise<T> => {
    const pass = breaker.enter();
    if ('retryAfterMs' in pass) {
      throw refusalError(
        'CIRCUIT_OPEN',
        `tool "${tool.name}" is failing repeatedly and its circuit is open; it is probed again shortly.`,
        { retryAfterMs: pass.retryAfterMs },
      );
    }
    try {
      const value = await withTimeout(work, call);
      breaker.leave(pass, 'success');
      return value;
    } catch (error) {
      breaker.leave(pass, verdictOf(error, call.reason));
      throw error;
    }
  };

  const run = async <T>(
    attempt: Attempt<T>,
    finish: (value: T) => T,
    call: CallCancellation,
  ): Promise<PolicyRun<T>> => {
    const seen = { attempts: 0 };
    try {
      const value = await bulk.execute(
        () => inBreaker(async () => finish(await attemptAll(attempt, call, seen)), call),
        // The bulkhead reads the signal only to queue; a shared never-aborted one spares most
        // calls an AbortSignal.
        bulk.executionSlots > 0 ? NEVER_ABORTED : call.signal,
      );
      return { value, attempts: seen.attempts };
    } catch (error) {
      throw classify(error, { reason: call.reason, attempts: seen.attempts });
    }
  };

  const classify = (
    error: unknown,
    seen: { readonly reason: CallCancellation['reason']; readonly attempts: number },
  ): unknown => {
    if (error instanceof BulkheadRejectedError) {
      return refusalError(
        'OVERLOADED',
        `tool "${tool.name}" is at its concurrency limit (${tool.concurrency.maxConcurrent} running, ${tool.concurrency.maxQueue} queued); retry shortly.`,
      );
    }
    // STYLE §8: a handler that honours its signal throws its own AbortError, one that ignores it
    // is cut off with TaskCancelledError: classify by which signal fired, not by the error class.
    if (seen.reason === 'timeout') {
      return new InvocationError(
        'TOOL_EXECUTION_TIMEOUT',
        `tool "${tool.name}" did not finish within ${tool.timeoutMs} ms.`,
        { details: { attempts: seen.attempts } },
      );
    }
    if (seen.reason === 'caller-gone') {
      return new InvocationError(
        'CALLER_GONE',
        `the caller of "${tool.name}" closed its connection; the call was cancelled.`,
        { details: { attempts: seen.attempts } },
      );
    }
    if (seen.reason === 'cancelled') {
      return new InvocationError(
        'CALLER_GONE',
        `the caller of "${tool.name}" cancelled the call.`,
        { details: { attempts: seen.attempts } },
      );
    }
    return error;
  };

  const rateLimited = `tool "${tool.name}" allows ${tool.rateLimit.requestsPerMinute} calls per minute (burst ${tool.rateLimit.burstSize}); retry after the Retry-After time.`;
  const checkVerdict = (verdict: LimitVerdict): void => {
    if (verdict.ok) return;
    throw refusalError('RATE_LIMITED', rateLimited, { retryAfterMs: verdict.retryAfterMs });
  };

  return {
    run,
    admit: () => {
      if (bucket !== undefined) {
        checkVerdict(bucket.take());
        return;
      }
      return shared?.().then(checkVerdict);
    },
    circuit: () => breaker.circuit,
  };
}
