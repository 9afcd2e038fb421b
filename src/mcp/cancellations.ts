/**
 * Cancellation for stateless Streamable HTTP. Each POST stands alone (no session), so a client's
 * `notifications/cancelled` arrives in a request of its own, to a server instance that never saw
 * the call. The calls in flight are listed per caller (the accepted credential's digest) and
 * JSON-RPC id, and a cancellation aborts only a call of the same caller. Request ids are the
 * client's and may repeat between clients that share a credential: an id that matches more than
 * one call in flight is ambiguous and cancels none (cancellation is advisory in MCP anyway). Like
 * any state in a replica, it reaches only calls on the replica that got the notification.
 */
import type { CallerCancellations } from './mcp-server.js';

/** The calls in flight of every caller of one endpoint. */
export class CancellationRegistry {
  readonly #calls = new Map<string, Set<AbortController>>();

  /** The view of one caller's calls. */
  forCaller(caller: string): CallerCancellations {
    const keyOf = (requestId: string | number): string =>
      `${caller}\n${typeof requestId}:${String(requestId)}`;
    return {
      add: (requestId, controller) => {
        const key = keyOf(requestId);
        const set = this.#calls.get(key) ?? new Set<AbortController>();
        set.add(controller);
        this.#calls.set(key, set);
        return () => {
          set.delete(controller);
          if (set.size === 0 && this.#calls.get(key) === set) this.#calls.delete(key);
        };
      },
      cancel: (requestId) => {
        const set = this.#calls.get(keyOf(requestId));
        if (set?.size !== 1) return;
        for (const controller of set) controller.abort();
      },
    };
  }

  /** Calls in flight (for tests and shutdown logs). */
  get size(): number {
    let n = 0;
    for (const set of this.#calls.values()) n += set.size;
    return n;
  }
}
