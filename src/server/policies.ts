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
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
} from 'cockatiel';
import type { BulkheadPolicy, CircuitBreakerPolicy, RetryPolicy } from 'cockatiel';
import type { Clock } from '../deps.js';
import { isRetryableToolError } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import { InvocationError } from '../errors.js';
import { createTokenBucket } from './token-bucket.js';
import type { TokenBucket } from './token-bucket.js';

/** Circuit states as the registry endpoint and the observer name them. */
export type CircuitName = 'closed' | 'open' | 'half-open';

/** What runs one attempt of the handler; receives the attempt number (1-based). */
export type Attempt<T> = (attempt: number) => Promise<T>;

/** A signal that never aborts, for the policy layers that only read it in states they are not in. */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * The cancellation of one call: aborted when the timeout passes, the caller goes away or shutdown's
 * deadline passes. Its `AbortSignal` is made only when something reads it (a handler, a queued
 * bulkhead slot, a retry): on Node 20 each AbortSignal costs microseconds to create and most
 * handlers never look at theirs. The signal is aborted without a reason (a default `AbortError`),
 * as cockatiel's timeout signal was.
 */
export class CallCancellation {
  #controller: AbortController | undefined;
  #aborted = false;
  #timedOut = false;
  /** Set by the timeout while the call runs: rejects the call's race. */
  onAbort: (() => void) | undefined;
  /** Neighbours in the server's list of calls in flight (`InFlightCalls`). */
  previousInFlight: CallCancellation | undefined;
  nextInFlight: CallCancellation | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** True when the timeout fired while the call still ran and nothing had aborted it before. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort();
    this.onAbort?.();
  }

  timeOut(): void {
    if (this.#aborted) return;
    this.#timedOut = true;
    this.abort();
  }
}

/**
 * The calls in flight, which shutdown aborts at its deadline: a list threaded through the calls
 * themselves, so adding and removing allocate nothing. With a `Set`, the allocations of its
 * `delete` (V8 shrinks the table as calls fall) were a quarter of what V8 still promoted to the
 * old generation under bench/server.ts.
 */
export class InFlightCalls {
  #head: CallCancellation | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(call: CallCancellation): void {
    call.previousInFlight = undefined;
    call.nextInFlight = this.#head;
    if (this.#head !== undefined) this.#head.previousInFlight = call;
    this.#head = call;
    this.#size++;
  }

  /** Removes a call that was added and not yet removed. */
  delete(call: CallCancellation): void {
    if (call.previousInFlight !== undefined) call.previousInFlight.nextInFlight = call.nextInFlight;
    else this.#head = call.nextInFlight;
    if (call.nextInFlight !== undefined) call.nextInFlight.previousInFlight = call.previousInFlight;
    call.previousInFlight = undefined;
    call.nextInFlight = undefined;
    this.#size--;
  }

  /** Aborts every call in flight. */
  abortAll(): void {
    for (let call = this.#head; call !== undefined; call = call.nextInFlight) call.abort();
  }
}

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
    call: CallCancellation,
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

  /**
   * The timeout, aggressive (issue 6 §3): the reply does not wait for a handler that ignores its
   * signal; the signal is still aborted, so a handler that honours it stops its work. Written here
   * rather than with cockatiel's `timeout()`, which derives an AbortController per call: one timer
   * and one promise per call instead. As cockatiel's did, it rejects with `TaskCancelledError`
   * when the call is aborted for any reason; `classify` tells a timeout by `call.timedOut`.
   */
  const withTimeout = <T>(work: () => Promise<T>, call: CallCancellation): Promise<T> => {
    const cancelled = new Promise<never>((_resolve, reject) => {
      call.onAbort = () => {
        reject(new TaskCancelledError(`Operation timed out after ${tool.timeoutMs}ms`));
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

  const run = async <T>(
    attempt: Attempt<T>,
    finish: (value: T) => T,
    call: CallCancellation,
  ): Promise<PolicyRun<T>> => {
    const seen = { attempts: 0 };
    // Bulkhead and breaker read the signal only when the call waits in the queue or the circuit is
    // not closed; otherwise a shared never-aborted signal spares the call an AbortSignal.
    const inBreaker = (): Promise<T> =>
      breaker.execute(
        () => withTimeout(async () => finish(await attemptAll(attempt, call, seen)), call),
        breaker.state === CircuitState.Closed ? NEVER_ABORTED : call.signal,
      );
    try {
      const value = await bulk.execute(
        inBreaker,
        bulk.executionSlots > 0 ? NEVER_ABORTED : call.signal,
      );
      return { value, attempts: seen.attempts };
    } catch (error) {
      throw classify(error, { timedOut: call.timedOut, attempts: seen.attempts });
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
