/**
 * The writes of one change, with the platform's retry and consistency rules (issue 5 "apply",
 * reference §10.2). One retry budget per write: reads, updates and deletes are retried by the
 * client's transport alone (its `maxAttempts`, 429s included), never again here; a create (a POST,
 * which the transport does not repeat after a 5xx, timeout or dropped connection) is reconciled by
 * re-listing by name until the listing lag has passed, never by a blind second create, and re-sent
 * here at most `maxAttempts` times in all. A delete is done when the action reads as gone
 * (bounded); a 409 re-reads and retries once.
 */
import type { Clock } from '../deps.js';
import {
  GenesysApiError,
  GenesysConflictError,
  GenesysNotFoundError,
  SyncError,
} from '../errors.js';
import type { DesiredEntry, Registry, RemoteEntry, WriteResult } from '../registry/index.js';
import { comparableText } from '../registry/index.js';
import type { ProgressEvent, ProgressListener } from './progress.js';
import { PROGRESS_AFTER_MS } from './progress.js';

/** What the runner needs of the apply options. */
export interface RunnerOptions {
  /** POSTs of one create in all (the transport retries everything else itself). */
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  /** How long the platform may take to list a new action (and unlist a deleted one). */
  readonly settleTimeoutMs: number;
  /** How long a delete may take until the action reads as gone. */
  readonly deleteWaitMs: number;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal | undefined;
  readonly clock: Clock;
  /** Told of each poll once a wait has lasted PROGRESS_AFTER_MS, and of its end. */
  readonly progress: ProgressListener;
}

/** What a poll reports: a key, and the event for the time waited so far. */
export interface WaitReport {
  readonly key: string;
  readonly event: (elapsedMs: number) => ProgressEvent;
}

/** True for a failure after which it is unknown whether a write landed (timeout, drop, 5xx, 429). */
export function isAmbiguousFailure(error: unknown): boolean {
  return (
    error instanceof GenesysApiError &&
    (error.code === 'GENESYS_UNAVAILABLE' || error.code === 'GENESYS_RATE_LIMITED')
  );
}

/** True when a POST failed without an answer saying whether it landed (5xx, timeout, drop). */
function isUnsure(error: unknown): boolean {
  return error instanceof GenesysApiError && error.code === 'GENESYS_UNAVAILABLE';
}

/** Backoff before attempt `attempt + 1`: doubling from `baseMs`, capped at 16 × base. */
export function backoffMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.min(attempt - 1, 4);
}

/** True when a registration is what `desired` describes. */
export function sameSpec(a: RemoteEntry, d: DesiredEntry): boolean {
  return (
    comparableText(a.spec.fixed) === comparableText(d.spec.fixed) &&
    comparableText(a.spec.mutable) === comparableText(d.spec.mutable)
  );
}

/** The writes a change is made of. */
export interface ChangeRunner {
  /** Creates `desired` under `name` (default its own); `reconciled` when found already landed. */
  create(
    desired: DesiredEntry,
    name?: string,
  ): Promise<WriteResult & { readonly reconciled: boolean }>;
  update(remote: RemoteEntry, desired: DesiredEntry): Promise<WriteResult>;
  /** Deletes and waits until the registration reads as gone; answers the correlation id. */
  remove(id: string): Promise<string | undefined>;
  /** Polls until `done()` or `timeoutMs` passed; answers whether it was done. */
  until(done: () => Promise<boolean>, timeoutMs: number, report?: WaitReport): Promise<boolean>;
}

/** Builds the runner of one apply. */
export function createChangeRunner(registry: Registry, options: RunnerOptions): ChangeRunner {
  const { clock, signal } = options;
  const call = { signal };

  const until: ChangeRunner['until'] = async (done, timeoutMs, report) => {
    const startMs = clock.nowMs();
    const deadline = startMs + timeoutMs;
    let told = false;
    try {
      for (;;) {
        if (await done()) return true;
        if (clock.nowMs() >= deadline) return false;
        const elapsedMs = clock.nowMs() - startMs;
        if (report !== undefined && elapsedMs >= PROGRESS_AFTER_MS) {
          options.progress(report.event(elapsedMs));
          told = true;
        }
        await clock.sleep(
          Math.min(options.pollIntervalMs, Math.max(1, deadline - clock.nowMs())),
          signal,
        );
      }
    } finally {
      if (told && report !== undefined) options.progress({ type: 'waited', key: report.key });
    }
  };

  // A POST that failed ambiguously may have landed, and the listing may show it late: re-list by
  // name until the listing lag has passed before sending it again (reference §10.2).
  const create: ChangeRunner['create'] = async (desired, name = desired.name) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return { ...(await registry.create(desired, { ...call, name })), reconciled: false };
      } catch (error) {
        // A 429 was already retried by the transport (Genesys answers it before doing anything).
        if (!isUnsure(error) || attempt >= options.maxAttempts) throw error;
        let landed: RemoteEntry | undefined;
        const key = `create-lookup:${name}`;
        await until(
          async () => {
            const found = await registry.findManaged(name, call);
            landed = found.find((f) => sameSpec(f, desired)) ?? found[0];
            return landed !== undefined;
          },
          options.settleTimeoutMs,
          { key, event: (elapsedMs) => ({ type: 'create-lookup', key, name, elapsedMs }) },
        );
        if (landed !== undefined)
          return { entry: landed, correlationId: undefined, reconciled: true };
        await clock.sleep(backoffMs(attempt, options.retryDelayMs), signal);
      }
    }
  };

  // A read right after a create may answer 404 until the platform catches up (the Terraform
  // provider retries such reads): retry 404s within the listing lag.
  const retryingNotFound = async <T>(write: () => Promise<T>): Promise<T> => {
    const deadline = clock.nowMs() + options.settleTimeoutMs;
    for (;;) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof GenesysNotFoundError) || clock.nowMs() >= deadline) throw error;
        await clock.sleep(options.pollIntervalMs, signal);
      }
    }
  };

  // PATCH carries the version: a 409 means someone (or our own landed attempt) changed it; re-read
  // and retry once (DESIGN "Tool → data action").
  const update: ChangeRunner['update'] = async (remote, desired) => {
    try {
      return await retryingNotFound(() => registry.update(remote, desired, call));
    } catch (error) {
      if (!(error instanceof GenesysConflictError)) throw error;
      const fresh = await retryingNotFound(() => registry.get(remote.id, call));
      if (sameSpec(fresh, desired) && fresh.name === desired.name) {
        return { entry: fresh, correlationId: error.correlationId };
      }
      return registry.update(fresh, desired, call);
    }
  };

  const gone = async (id: string): Promise<boolean> => {
    try {
      await registry.get(id, call);
      return false;
    } catch (error) {
      if (error instanceof GenesysNotFoundError) return true;
      throw error;
    }
  };

  const remove: ChangeRunner['remove'] = async (id) => {
    let correlationId: string | undefined;
    try {
      correlationId = (await registry.remove(id, call)).correlationId;
    } catch (error) {
      // Already gone (an earlier attempt landed, or someone else removed it): that is the goal.
      if (!(error instanceof GenesysNotFoundError)) throw error;
      correlationId = error.correlationId;
    }
    // The Terraform provider polls for up to 30 s after a DELETE until the action reads as gone.
    const key = `delete:${id}`;
    const report: WaitReport = {
      key,
      event: (elapsedMs) => ({ type: 'delete-wait', key, id, elapsedMs }),
    };
    if (!(await until(() => gone(id), options.deleteWaitMs, report))) {
      throw new SyncError(
        'SYNC_NOT_SETTLED',
        `action ${id} was deleted but still reads as present after ${options.deleteWaitMs} ms; run apply again to check (a larger --delete-wait waits longer)`,
        { details: { id } },
      );
    }
    return correlationId;
  };

  return { create, update, remove, until };
}
