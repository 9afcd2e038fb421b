/**
 * Eventual consistency of the action listing (reference §10.2): the platform lists a new action
 * late and a deleted one for a while, and the Terraform provider retries reads that answer 404
 * right after a create. With a lag of L ms:
 * - a created action is listed from `createdAt + L`, and a GET by id finds it from
 *   `createdAt + L/2` (404 before);
 * - a deleted action stays in listings (as it was last published) until `deletedAt + L`, while a
 *   GET by id answers 404 at once.
 * Time comes from the injected clock; nothing is persisted (after a restart all is settled).
 */
import type { ActionBody, ActionRecord } from './state.js';

/** A published action as the listing shows it. */
export interface ListedAction {
  readonly record: ActionRecord;
  readonly body: ActionBody;
}

/** The lag bookkeeping of one emulator. */
export interface ListingLag {
  /** Notes that the action `id` was created (published for the first time) at `nowMs`. */
  created(id: string, nowMs: number): void;
  /** Notes that `action` was deleted at `nowMs`. */
  deleted(action: ListedAction, nowMs: number): void;
  /** The published actions the listing shows at `nowMs`, out of the live ones. */
  listed(live: readonly ListedAction[], nowMs: number): readonly ListedAction[];
  /** True when a GET by id finds the live action `id` at `nowMs`. */
  readable(id: string, nowMs: number): boolean;
}

/** True when an action created at `createdAtMs` is listed at `nowMs`. Pure. */
export function isListedAfterCreate(createdAtMs: number, nowMs: number, lagMs: number): boolean {
  return nowMs >= createdAtMs + lagMs;
}

/** True when an action deleted at `deletedAtMs` is still listed at `nowMs`. Pure. */
export function isListedAfterDelete(deletedAtMs: number, nowMs: number, lagMs: number): boolean {
  return nowMs < deletedAtMs + lagMs;
}

/** True when a GET by id finds an action created at `createdAtMs`. Pure. */
export function isReadableAfterCreate(createdAtMs: number, nowMs: number, lagMs: number): boolean {
  return nowMs >= createdAtMs + lagMs / 2;
}

/** Creates the bookkeeping for a lag of `lagMs` (0: strictly consistent, nothing is kept). */
export function createListingLag(lagMs: number): ListingLag {
  const createdAt = new Map<string, number>();
  const gone = new Map<string, { action: ListedAction; deletedAtMs: number }>();
  const prune = (nowMs: number): void => {
    for (const [id, at] of createdAt) {
      if (isListedAfterCreate(at, nowMs, lagMs)) createdAt.delete(id);
    }
    for (const [id, entry] of gone) {
      if (!isListedAfterDelete(entry.deletedAtMs, nowMs, lagMs)) gone.delete(id);
    }
  };
  return {
    created: (id, nowMs) => {
      if (lagMs > 0) createdAt.set(id, nowMs);
    },
    deleted: (action, nowMs) => {
      if (lagMs <= 0) return;
      createdAt.delete(action.record.id);
      gone.set(action.record.id, { action, deletedAtMs: nowMs });
    },
    listed: (live, nowMs) => {
      prune(nowMs);
      const visible = live.filter(({ record }) => !createdAt.has(record.id));
      return [...visible, ...[...gone.values()].map((entry) => entry.action)];
    },
    readable: (id, nowMs) => {
      const at = createdAt.get(id);
      return at === undefined || isReadableAfterCreate(at, nowMs, lagMs);
    },
  };
}
