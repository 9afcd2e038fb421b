/**
 * `applyPlan`: carries out a plan in phases so that nothing ever points at a deleted action and
 * no action is made twice (DESIGN "Tool → data action"; issues 5, 12, 13):
 * 1. creates, in-place updates, and the new action of each replace (under a temporary name);
 * 2. `beforeRemovals` (the CLI re-points guides and agents to the new ids here);
 * 3. deletes: the old action of each replace, duplicates, prunes — each until it reads as gone;
 * 4. renames: a replace's new action takes the tool's name once the old one is gone;
 * then waits (bounded) until the listing shows what was created and hides what was deleted.
 */
import type { z } from 'zod';
import { systemClock } from '../deps.js';
import { SyncError } from '../errors.js';
import { assertApplicable, errorInfo, finish, summary } from './apply-outcome.js';
import { createRecorder } from './apply-recorder.js';
import type { Progress, Work } from './apply-recorder.js';
import { ApplyOptionsSchema } from './apply-types.js';
import type { ApplyOptions, ApplyResult } from './apply-types.js';
import type { Registry } from '../registry/index.js';
import { replacingName } from '../registry/index.js';
import { backoffMs, createChangeRunner, isAmbiguousFailure } from './change-runner.js';
import type { Plan } from './plan.js';
import { safeProgress } from './progress.js';

export { backoffMs, isAmbiguousFailure, assertApplicable, ApplyOptionsSchema };
export type { ApplyOptions, ApplyResult, ChangeEvent, Outcome } from './apply-types.js';

type Parsed = Readonly<z.output<typeof ApplyOptionsSchema>>;

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
 *   SYNC_ABORTED when the signal aborts; SYNC_APPLY_STOPPED when `onChange` throws (the changes
 *   in flight finish, no new one starts); SYNC_BINDINGS_FAILED when `beforeRemovals` throws
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

  const progress = safeProgress(options.onProgress);
  const run = createChangeRunner(registry, { ...options, signal: options.signal, clock, progress });
  const recorder = createRecorder(work.length, options);
  const { record, step, halted } = recorder;
  const aborted = (): boolean => options.signal?.aborted === true;
  const items: Progress[] = work.map((change) => ({ change, finished: false }));
  const created: string[] = [];
  const removed: string[] = [];

  // 1. Creates, in-place updates, and each replace's new action under its temporary name.
  await pool(
    items.filter((p) => p.change.kind !== 'delete' && !isRename(p.change)),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind === 'update') {
          const r = await run.update(c.remote, c.desired);
          ids.set(c.name, r.entry.id);
          await record(p, 'applied', { remoteId: r.entry.id, correlationId: r.correlationId });
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
          await record(p, 'applied', {
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
  if (options.beforeRemovals !== undefined && !halted()) {
    try {
      await options.beforeRemovals(ids);
    } catch (error) {
      for (const p of items) if (!p.finished) await record(p, 'skipped', {});
      throw new SyncError(
        'SYNC_BINDINGS_FAILED',
        `${errorInfo(error).message}; no action was deleted, so nothing points at a deleted action. Fix the cause and run apply again: it converges.`,
        { cause: error, details: summary(recorder.events) },
      );
    }
  }

  // 3. Deletes: each replace's old action, duplicates, prunes.
  await pool(
    items.filter((p) => p.change.kind === 'delete' || p.change.kind === 'replace'),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind !== 'delete' && c.kind !== 'replace') return;
        const correlationId = await run.remove(c.remote.id);
        removed.push(c.remote.id);
        if (c.kind === 'delete') {
          await record(p, 'applied', { previousId: c.remote.id, correlationId });
        } else {
          p.correlationId = correlationId ?? p.correlationId;
        }
      }),
  );

  // 4. Renames: a replace's new action, and one left by an interrupted replace.
  await pool(
    items.filter((p) => p.change.kind === 'replace' || isRename(p.change)),
    options.concurrency,
    (p) =>
      step(p, async () => {
        const c = p.change;
        if (c.kind === 'update') {
          const r = await run.update(c.remote, c.desired);
          await record(p, 'applied', { remoteId: r.entry.id, correlationId: r.correlationId });
          return;
        }
        if (c.kind !== 'replace' || p.entry === undefined) return;
        const r = await run.update(p.entry, c.desired);
        await record(p, 'applied', {
          remoteId: r.entry.id,
          previousId: c.remote.id,
          correlationId: p.correlationId ?? r.correlationId,
          reconciled: p.reconciled ?? false,
        });
      }),
  );

  // The listing lags (reference §10.2): wait until it shows what was made, so that a plan right
  // after this apply sees it.
  if (!halted() && (created.length > 0 || removed.length > 0)) {
    const settled = await run
      .until(
        async () => {
          const listed = await registry.listedIds({ signal: options.signal });
          return created.every((id) => listed.has(id)) && removed.every((id) => !listed.has(id));
        },
        options.settleTimeoutMs,
        {
          key: 'listing',
          event: (elapsedMs) => ({
            type: 'listing',
            key: 'listing',
            created: created.length,
            removed: removed.length,
            elapsedMs,
          }),
        },
      )
      .catch(() => false);
    if (!settled) {
      options.onNotice?.(
        `the org's listing had not caught up after ${options.settleTimeoutMs} ms; a plan right now may still show the old state`,
      );
    }
  }
  return finish(recorder.events, work.length, ids, {
    aborted: aborted(),
    stopped: recorder.stopped(),
  });
}
