/**
 * The remote-status provider behind the registry endpoint (DESIGN "Invocation contract"): the org's
 * registrations fetched at most once per TTL, and served stale (`stale: true`) while the org is
 * unreachable, so the endpoint never calls Genesys once per request as the tutorial's did.
 */
import type { Clock } from '../deps.js';
import type { RemoteStatusProvider, RemoteToolStatus } from './options.js';

type Snapshot = Readonly<Record<string, RemoteToolStatus>>;

/**
 * Wraps `fetch` (the CLI passes one that pages through the org's data actions) in a TTL cache.
 * Concurrent callers share one fetch. A failed fetch answers the last good snapshot, or an empty
 * one, with `stale: true`; it is tried again on the next call.
 */
export function createCachedStatusProvider(
  fetch: () => Promise<Record<string, RemoteToolStatus>>,
  options: { readonly ttlMs: number },
  clock: Clock,
): RemoteStatusProvider {
  let cached: { readonly tools: Snapshot; readonly fetchedAtMs: number } | undefined;
  let inFlight: Promise<{ readonly tools: Snapshot; readonly stale: boolean }> | undefined;

  const refresh = async (): Promise<{ readonly tools: Snapshot; readonly stale: boolean }> => {
    try {
      const tools = Object.freeze({ ...(await fetch()) });
      cached = { tools, fetchedAtMs: clock.nowMs() };
      return { tools, stale: false };
    } catch {
      return { tools: cached?.tools ?? {}, stale: true };
    } finally {
      inFlight = undefined;
    }
  };

  return () => {
    if (cached !== undefined && clock.nowMs() - cached.fetchedAtMs < options.ttlMs) {
      return Promise.resolve({ tools: cached.tools, stale: false });
    }
    inFlight ??= refresh();
    return inFlight;
  };
}
