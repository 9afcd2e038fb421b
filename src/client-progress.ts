/**
 * The Genesys client's retry events as progress of waits (issue 15 item 17): a 429 is a rate-limit
 * wait, any other retried failure a retry. The wait ends with the call's next request, which is
 * reported as `waited`. Wires the genesys room to the sync room's events, like `sync-tools.ts`.
 */
import type { ClientEvent } from './genesys/index.js';
import type { ProgressEvent, ProgressListener } from './sync/index.js';

function reasonText(reason: string): string {
  const status = /^status (\d{3})$/.exec(reason);
  if (status?.[1] !== undefined) return status[1];
  if (reason === 'network') return 'network failure';
  if (reason === 'unsent') return 'login host unavailable';
  return reason;
}

/** The progress event of one client event; undefined for events that are no wait. */
function waitOf(event: ClientEvent): ProgressEvent | undefined {
  if (event.type !== 'retry') return undefined;
  const key = `${event.method} ${event.route}`;
  if (event.reason === 'status 429') {
    return {
      type: 'rate-limited',
      key,
      method: event.method,
      route: event.route,
      waitMs: event.delayMs,
    };
  }
  return {
    type: 'retry',
    key,
    method: event.method,
    route: event.route,
    retry: event.attempt,
    maxRetries: Math.max(1, event.maxAttempts - 1),
    waitMs: event.delayMs,
    reason: reasonText(event.reason),
  };
}

/**
 * A listener of client events that tells `progress` of every retry wait and of its end. Several
 * calls of one route may wait at once: each next request of the route ends one of them.
 */
export function clientProgress(progress: ProgressListener): (event: ClientEvent) => void {
  const waiting = new Map<string, number>();
  return (event) => {
    const wait = waitOf(event);
    if (wait !== undefined) {
      waiting.set(wait.key, (waiting.get(wait.key) ?? 0) + 1);
      progress(wait);
      return;
    }
    if (event.type !== 'request') return;
    const key = `${event.method} ${event.route}`;
    const n = waiting.get(key);
    if (n === undefined) return;
    if (n <= 1) waiting.delete(key);
    else waiting.set(key, n - 1);
    progress({ type: 'waited', key });
  };
}
