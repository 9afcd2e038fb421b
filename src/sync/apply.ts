/**
 * `applyPlan`: carries out a plan in phases so that nothing ever points at a deleted action and
 * no action is made twice (DESIGN "Tool → data action"; issues 5, 12, 13):
 * 1. creates, in-place updates, and the new action of each replace (under a temporary name);
 * 2. `beforeRemovals` (the CLI re-points guides and agents to the new ids here);
 * 3. deletes: the old action of each replace, duplicates, prunes — each until it reads as gone;
 * 4. renames: a replace's new action takes the tool's name once the old one is gone;
 * then waits (bounded) until the listing shows what was created and hides what was deleted.
 */
import { z } from 'zod';
import type { Clock } from '../deps.js';
import { systemClock } from '../deps.js';
import { GenesysApiError, SyncError } from '../errors.js';
import { assertApplicable, errorInfo, finish, summary } from './apply-outcome.js';
import type { Registry, RemoteEntry } from '../registry/index.js';
import { replacingName } from '../registry/index.js';
import { backoffMs, createChangeRunner, isAmbiguousFailure } from './change-runner.js';
import type { Change } from './plan.js';
import type { Plan } from './plan.js';

export { backoffMs, isAmbiguousFailure, assertApplicable };

/** What happened to one change. */
export type Outcome = 'applied' | 'failed' | 'skipped';

/** One change carried out (or not): what the audit log and the progress lines see. */
export interface ChangeEvent {
  readonly kind: Exclude<Change['kind'], 'unchanged' | 'conflict'>;
  readonly name: string;
  readonly outcome: Outcome;
  /** The registration's id after the change (the new id of a create or replace). */
  readonly remoteId: string | undefined;
  /** The id a replace or delete removed. */
  readonly previousId: string | undefined;
  /** Correlation id of the last write of the change. */
  readonly correlationId: string | undefined;
  /** True when a create was found already landed after an ambiguous failure. */
  readonly reconciled: boolean;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** Changes finished so far, and in all. */
  readonly done: number;
  readonly total: number;
}

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'expected a function');

/** Options of `applyPlan`; defaults live here. */
export const ApplyOptionsSchema = z.strictObject({
  /** Changes in flight at once (the client's rate limiter paces the requests). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Carry out replaces (the action id changes). */
  allowReplace: z.boolean().default(false),
  /**
   * POSTs of one create in all when they fail without saying whether they landed (5xx, timeout,
   * dropped connection); each is reconciled by listing first. Every other write is retried by the
   * client alone (its own `maxAttempts`): one retry budget per write.
   */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** First backoff between attempts; doubled each time, at most 16 times this. */
  retryDelayMs: z.number().int().min(0).max(60_000).default(250),
  /** How long the org may take to list a new action or unlist a deleted one (reference §10.2). */
  settleTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  /** How long a deleted action may still read as present (the Terraform provider waits 30 s). */
  deleteWaitMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Interval of the consistency polls. */
  pollIntervalMs: z.number().int().min(1).max(60_000).default(500),
  signal: z
    .custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal')
    .optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null, 'expected a Clock').optional(),
  onChange: fn<(event: ChangeEvent) => void>().optional(),
  /**
   * Runs after the creates and updates, before anything is deleted, with the id each tool's
   * registration now has (tool name → id). Throwing stops the apply before any delete.
   */
  beforeRemovals: fn<(ids: ReadonlyMap<string, string>) => Promise<void>>().optional(),
  /** Things worth telling that are not failures (the listing has not caught up yet). */
  onNotice: fn<(message: string) => void>().optional(),
});

/** Options of `applyPlan` as callers write them. */
export type ApplyOptions = z.input<typeof ApplyOptionsSchema>;
type Parsed = Readonly<z.output<typeof ApplyOptionsSchema>>;

/** The result of an apply that completed. */
export interface ApplyResult {
  readonly events: readonly ChangeEvent[];
  readonly applied: number;
  readonly failed: number;
  readonly skipped: number;
  /** Tool name → the id of its registration after the apply. */
  readonly ids: ReadonlyMap<string, string>;
}

interface Done {
  readonly remoteId: string | undefined;
  readonly previousId: string | undefined;
  readonly correlationId: string | undefined;
  readonly reconciled: boolean;
}

type Work = Exclude<Change, { kind: 'unchanged' | 'conflict' }>;

/** Where a change stands between phases. */
interface Progress {
  readonly change: Work;
  /** The registration after phase 1 (the new one of a replace). */
  entry?: RemoteEntry;
  correlationId?: string | undefined;
  reconciled?: boolean;
  finished: boolean;
}

/** A rename is an update whose only reason may be a replace's temporary name. */
function isRename(change: Work): boolean {
  return change.kind === 'update' && change.remote.name !== change.desired.name;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = items[next++];
      if (item === undefined) return;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Carries out `plan` on `registry`. Every change is attempted even when others fail.
 * @throws SyncError SYNC_UNMANAGED_CONFLICT or SYNC_REPLACE_NOT_ALLOWED before touching anything;
 *   SYNC_ABORTED when the signal aborts; SYNC_BINDINGS_FAILED when `beforeRemovals` throws
 *   (nothing was deleted); SYNC_APPLY_FAILED when some changes failed (details list them). Errors
 *   of `registry.prepare()` pass through.
 */
export async function applyPlan(
  plan: Plan,
  registry: Registry,
  input: ApplyOptions = {},
): Promise<ApplyResult> {
  const parsed = ApplyOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new RangeError(`applyPlan: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const options: Parsed = parsed.data;
  assertApplicable(plan, options);
  const clock = options.clock ?? systemClock;
  const work = plan.changes.filter(
    (c): c is Work => c.kind !== 'unchanged' && c.kind !== 'conflict',
  );
  const ids = new Map<string, string>();
  for (const c of plan.changes) {
    if (c.kind === 'unchanged' || c.kind === 'update') ids.set(c.name, c.remote.id);
  }
  if (work.some((c) => c.kind !== 'delete')) await registry.prepare({ signal: options.signal });

  // A function, not a narrowed property: the signal changes while we await.
  const aborted = (): boolean => options.signal?.aborted === true;
  const run = createChangeRunner(registry, { ...options, signal: options.signal, clock });
  const events: ChangeEvent[] = [];
  const record = (p: Progress, outcome: Outcome, done: Partial<Done>, error?: unknown): void => {
    p.finished = true;
    const event: ChangeEvent = {
      kind: p.change.kind,
      name: p.change.name,
      outcome,
      remoteId: done.remoteId,
      previousId: done.previousId,
      correlationId:
        done.correlationId ?? (error instanceof GenesysApiError ? error.correlationId : undefined),
      reconciled: done.reconciled ?? false,
      error: error === undefined ? undefined : errorInfo(error),
      done: events.length + 1,
      total: work.length,
    };
    events.push(event);
    options.onChange?.(event);
  };
  // One step of a change: skipped once aborted, recorded as failed when it throws.
  const step = async (p: Progress, body: () => Promise<void>): Promise<void> => {
    if (p.finished) return;
    if (aborted()) {
      record(p, 'skipped', {});
      return;
    }
    try {
      await body();
    } catch (error) {
      record(p, aborted() ? 'skipped' : 'failed', {}, error);
    }
  };
  const progress: Progress[] = work.map((change) => ({ change, finished: false }));
  const created: string[] = [];
  const removed: string[] = [];

  // 1. Creates, in-place updates, and each replace's new action under its temporary name.
  await pool(
    progress.filter((p) => p.change.kind !== 'delete' && !isRename(p.change)),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind === 'update') {
          const r = await run.update(c.remote, c.desired);
          ids.set(c.name, r.entry.id);
          record(p, 'applied', { remoteId: r.entry.id, correlationId: r.correlationId });
          return;
        }
        if (c.kind !== 'create' && c.kind !== 'replace') return;
        const r = await run.create(
          c.desired,
          c.kind === 'replace' ? replacingName(c.name) : c.name,
        );
        ids.set(c.name, r.entry.id);
        created.push(r.entry.id);
        if (c.kind === 'create') {
          record(p, 'applied', {
            remoteId: r.entry.id,
            correlationId: r.correlationId,
            reconciled: r.reconciled,
          });
          return;
        }
        p.entry = r.entry;
        p.correlationId = r.correlationId;
        p.reconciled = r.reconciled;
      }),
  );

  // 2. Re-point what uses the old ids; a failure stops here, before anything is deleted.
  if (options.beforeRemovals !== undefined && !aborted()) {
    try {
      await options.beforeRemovals(ids);
    } catch (error) {
      for (const p of progress) if (!p.finished) record(p, 'skipped', {});
      throw new SyncError(
        'SYNC_BINDINGS_FAILED',
        `${errorInfo(error).message}; no action was deleted, so nothing points at a deleted action. Fix the cause and run apply again: it converges.`,
        { cause: error, details: summary(events) },
      );
    }
  }

  // 3. Deletes: each replace's old action, duplicates, prunes.
  await pool(
    progress.filter((p) => p.change.kind === 'delete' || p.change.kind === 'replace'),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind !== 'delete' && c.kind !== 'replace') return;
        const correlationId = await run.remove(c.remote.id);
        removed.push(c.remote.id);
        if (c.kind === 'delete') {
          record(p, 'applied', { previousId: c.remote.id, correlationId });
        } else {
          p.correlationId = correlationId ?? p.correlationId;
        }
      }),
  );

  // 4. Renames: a replace's new action, and one left by an interrupted replace.
  await pool(
    progress.filter((p) => p.change.kind === 'replace' || isRename(p.change)),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind === 'update') {
          const r = await run.update(c.remote, c.desired);
          record(p, 'applied', { remoteId: r.entry.id, correlationId: r.correlationId });
          return;
        }
        if (c.kind !== 'replace' || p.entry === undefined) return;
        const r = await run.update(p.entry, c.desired);
        record(p, 'applied', {
          remoteId: r.entry.id,
          previousId: c.remote.id,
          correlationId: p.correlationId ?? r.correlationId,
          reconciled: p.reconciled ?? false,
        });
      }),
  );

  // The listing lags (reference §10.2): wait until it shows what was made, so that a plan right
  // after this apply sees it.
  if (!aborted() && (created.length > 0 || removed.length > 0)) {
    const settled = await run
      .until(async () => {
        const listed = await registry.listedIds({ signal: options.signal });
        return created.every((id) => listed.has(id)) && removed.every((id) => !listed.has(id));
      }, options.settleTimeoutMs)
      .catch(() => false);
    if (!settled) {
      options.onNotice?.(
        `the org's listing had not caught up after ${options.settleTimeoutMs} ms; a plan right now may still show the old state`,
      );
    }
  }
  return finish(events, work.length, ids, aborted());
}
