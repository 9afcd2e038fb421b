/**
 * The client-side limiter that keeps one token under Genesys' per-token limit (reference §3:
 * 300 requests per token per minute), so a large sync does not draw 429s in the first place.
 *
 * A sliding window over the last `windowMs`: a request holds a slot from the moment it starts
 * until `windowMs` after it *finished*. Counting from the end of the exchange (not its start)
 * makes the client at least as strict as any server window, fixed or sliding, whatever the
 * network latency: the server saw the request no later than we saw its answer.
 */
import type { Clock } from '../deps.js';

/** A slot held by one request; release it when the answer (or the failure) is in. */
export interface RateLimitPermit {
  release(): void;
}

/** The limiter: `acquire` waits (first come, first served) for a free slot. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<RateLimitPermit>;
  /** Slots in use now (in flight, or finished within the window). */
  inUse(): number;
  /** Callers waiting for a slot. */
  waiting(): number;
  /** The limit now in force. */
  limit(): number;
  /**
   * Lowers the limit to what the server says it allows (`inin-ratelimit-allowed`); never raises
   * it above the configured one. Answers true when the limit changed.
   */
  lowerTo(allowed: number): boolean;
}

/** Options of `createRateLimiter`. */
export interface RateLimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
}

interface Waiter {
  readonly resolve: (permit: RateLimitPermit) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** Creates a sliding-window limiter driven by `clock`. */
export function createRateLimiter(options: RateLimiterOptions, clock: Clock): RateLimiter {
  let limit = options.limit;
  let inFlight = 0;
  // Finish times of finished requests still inside the window, oldest first.
  const finished: number[] = [];
  const queue: Waiter[] = [];
  let timer: AbortController | undefined;

  const prune = (): void => {
    const horizon = clock.nowMs() - options.windowMs;
    while (finished.length > 0 && (finished[0] ?? 0) <= horizon) finished.shift();
  };
  const used = (): number => inFlight + finished.length;

  const take = (): RateLimitPermit => {
    inFlight++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        inFlight--;
        finished.push(clock.nowMs());
        pump();
      },
    };
  };

  // A pending sleep would keep a CLI process alive for up to a window: stop it when idle.
  const stopTimer = (): void => {
    timer?.abort();
    timer = undefined;
  };

  const pump = (): void => {
    prune();
    while (queue.length > 0 && used() < limit) {
      const waiter = queue.shift();
      if (waiter === undefined) break;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(take());
    }
    if (queue.length === 0) {
      stopTimer();
      return;
    }
    const oldest = finished[0];
    if (oldest === undefined || timer !== undefined) return;
    const controller = new AbortController();
    timer = controller;
    const delay = Math.max(1, oldest + options.windowMs - clock.nowMs() + 1);
    clock.sleep(delay, controller.signal).then(
      () => {
        if (timer === controller) timer = undefined;
        pump();
      },
      () => undefined,
    );
  };

  return {
    inUse: () => {
      prune();
      return used();
    },
    waiting: () => queue.length,
    limit: () => limit,
    lowerTo: (allowed) => {
      const next = Math.max(1, Math.min(options.limit, Math.floor(allowed)));
      if (!Number.isFinite(allowed) || next >= limit) return false;
      limit = next;
      return true;
    },
    acquire: (signal) => {
      signal?.throwIfAborted();
      prune();
      if (queue.length === 0 && used() < limit) return Promise.resolve(take());
      return new Promise<RateLimitPermit>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const i = queue.indexOf(waiter);
            if (i >= 0) queue.splice(i, 1);
            if (queue.length === 0) stopTimer();
            reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
  };
}
