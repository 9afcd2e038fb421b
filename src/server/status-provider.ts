/**
 * The remote-status provider behind the registry endpoint (DESIGN "Invocation contract"): the org's
 * registrations fetched at most once per TTL, and served stale (`stale: true`) while the org is
 * unreachable, so the endpoint never calls Genesys once per request as the tutorial's did.
 */
import type { Clock } from '../deps.js';
import type { RemoteStatus, RemoteStatusProvider, RemoteToolStatus } from './options.js';

type Snapshot = Readonly<Record<string, RemoteToolStatus>>;

/** How long the registry endpoint waits for the org before it answers from the last snapshot. */
export const DEFAULT_STATUS_ANSWER_WITHIN_MS = 2000;

export interface CachedStatusOptions {
  readonly ttlMs: number;
  /**
   * Longest wait for a fetch before the last known snapshot is answered (stale, with its age).
   * A fetch against an unreachable org runs through the client's timeouts and retries (up to
   * 120 s): the endpoint must not hang with it (issue 15 item 6). The fetch goes on in the
   * background and fills the cache when it ends. Default 2000 ms.
   */
  readonly answerWithinMs?: number;
}

/**
 * Wraps `fetch` (the CLI passes one that pages through the org's data actions) in a TTL cache.
 * Concurrent callers share one fetch. A fetch that fails, or that has not ended within
 * `answerWithinMs`, answers the last good snapshot (or an empty one) with `stale: true` and the
 * snapshot's age; a failed fetch is tried again on the next call.
 */
export function createCachedStatusProvider(
  fetch: () => Promise<Record<string, RemoteToolStatus>>,
  options: CachedStatusOptions,
  clock: Clock,
): RemoteStatusProvider {
  const answerWithinMs = options.answerWithinMs ?? DEFAULT_STATUS_ANSWER_WITHIN_MS;
  let cached: { readonly tools: Snapshot; readonly fetchedAtMs: number } | undefined;
  let inFlight: Promise<RemoteStatus> | undefined;

  const lastKnown = (): RemoteStatus =>
    cached === undefined
      ? { tools: {}, stale: true }
      : { tools: cached.tools, stale: true, ageMs: clock.nowMs() - cached.fetchedAtMs };

  const refresh = async (): Promise<RemoteStatus> => {
    try {
      const tools = Object.freeze({ ...(await fetch()) });
      cached = { tools, fetchedAtMs: clock.nowMs() };
      return { tools, stale: false, ageMs: 0 };
    } catch {
      return lastKnown();
    } finally {
      inFlight = undefined;
    }
  };

  const withinDeadline = async (pending: Promise<RemoteStatus>): Promise<RemoteStatus> => {
    const timer = new AbortController();
    const deadline = clock.sleep(answerWithinMs, timer.signal).then(
      () => lastKnown(),
      // Aborted because the fetch ended first: this branch never wins the race.
      () => new Promise<never>(() => undefined),
    );
    try {
      return await Promise.race([pending, deadline]);
    } finally {
      timer.abort();
    }
  };

  return () => {
    if (cached !== undefined && clock.nowMs() - cached.fetchedAtMs < options.ttlMs) {
      return Promise.resolve({
        tools: cached.tools,
        stale: false,
        ageMs: clock.nowMs() - cached.fetchedAtMs,
      });
    }
    inFlight ??= refresh();
    return withinDeadline(inFlight);
  };
}
