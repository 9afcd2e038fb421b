/**
 * `applyPlan`: carries out a plan with bounded concurrency, idempotent creates (an ambiguous
 * failure re-lists before retrying), create-before-remove replaces and one re-read on a 409
 * (DESIGN "Tool → data action"; issue 5 "apply").
 */
import { z } from 'zod';
import type { Clock } from '../deps.js';
import { systemClock } from '../deps.js';
import {
  GenesysApiError,
  GenesysConflictError,
  GenesysNotFoundError,
  isGenesysToolsError,
  SyncError,
} from '../errors.js';
import type { DesiredEntry, Registry, RemoteEntry, WriteResult } from '../registry/index.js';
import { comparableText } from '../registry/index.js';
import type { Change } from './plan.js';
import type { Plan } from './plan.js';

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
  /** Attempts of one write after ambiguous failures (timeouts, dropped connections, 5xx, 429). */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** First backoff between attempts; doubled each time, at most 16 times this. */
  retryDelayMs: z.number().int().min(0).max(60_000).default(250),
  signal: z
    .custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal')
    .optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null, 'expected a Clock').optional(),
  onChange: fn<(event: ChangeEvent) => void>().optional(),
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
}

interface Done {
  readonly remoteId: string | undefined;
  readonly previousId: string | undefined;
  readonly correlationId: string | undefined;
  readonly reconciled: boolean;
}

/** True for a failure after which it is unknown whether a write landed (timeout, drop, 5xx, 429). */
export function isAmbiguousFailure(error: unknown): boolean {
  return (
    error instanceof GenesysApiError &&
    (error.code === 'GENESYS_UNAVAILABLE' || error.code === 'GENESYS_RATE_LIMITED')
  );
}

/** Backoff before attempt `attempt + 1`: doubling from `baseMs`, capped at 16 × base. */
export function backoffMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.min(attempt - 1, 4);
}

function sameSpec(a: RemoteEntry, d: DesiredEntry): boolean {
  return (
    comparableText(a.spec.fixed) === comparableText(d.spec.fixed) &&
    comparableText(a.spec.mutable) === comparableText(d.spec.mutable)
  );
}

/**
 * Refuses, before anything is touched, a plan with conflicts or with replaces not allowed.
 * @throws SyncError SYNC_UNMANAGED_CONFLICT, SYNC_REPLACE_NOT_ALLOWED
 */
export function assertApplicable(plan: Plan, options: { readonly allowReplace: boolean }): void {
  const conflicts = plan.changes.filter((c) => c.kind === 'conflict');
  if (conflicts.length > 0) {
    throw new SyncError(
      'SYNC_UNMANAGED_CONFLICT',
      `${conflicts.map((c) => `"${c.name}"`).join(', ')} already exist outside ${plan.scope}; nothing was changed. Rename the tools, remove the other registrations, or take them over with --adopt.`,
      { details: { tools: conflicts.map((c) => ({ name: c.name, id: c.remote.id })) } },
    );
  }
  const replaces = plan.changes.filter((c) => c.kind === 'replace');
  if (replaces.length > 0 && !options.allowReplace) {
    throw new SyncError(
      'SYNC_REPLACE_NOT_ALLOWED',
      `the plan replaces ${replaces.map((c) => `"${c.name}" (id ${c.remote.id})`).join(', ')}: their contracts changed and Genesys cannot update a contract in place, so each gets a new id, which breaks AI Guides, agents and flows that use the old one; nothing was changed. Re-run with --allow-replace once you are ready to re-point them.`,
      {
        details: {
          tools: replaces.map((c) => ({
            name: c.name,
            id: c.remote.id,
            fields: c.diff.map((d) => d.path),
          })),
        },
      },
    );
  }
}

function errorInfo(error: unknown): { code: string; message: string } {
  if (isGenesysToolsError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/** Runs the writes of one change, with the retry rules of the issue. */
function createChangeRunner(registry: Registry, options: Parsed) {
  const clock = options.clock ?? systemClock;
  const call = { signal: options.signal };

  const retrying = async <T>(write: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!isAmbiguousFailure(error) || attempt >= options.maxAttempts) throw error;
        await clock.sleep(backoffMs(attempt, options.retryDelayMs), options.signal);
      }
    }
  };

  // A POST that failed ambiguously may have landed: re-list by name before sending it again, so
  // that a create is never made twice (issue 5 "apply").
  const create = async (desired: DesiredEntry): Promise<WriteResult & { reconciled: boolean }> => {
    let mustCheck = false;
    for (let attempt = 1; ; attempt++) {
      try {
        if (mustCheck) {
          const found = await registry.findManaged(desired.name, call);
          const landed = found.find((f) => sameSpec(f, desired)) ?? found[0];
          if (landed !== undefined) {
            return { entry: landed, correlationId: undefined, reconciled: true };
          }
          mustCheck = false;
        }
        return { ...(await registry.create(desired, call)), reconciled: false };
      } catch (error) {
        if (!isAmbiguousFailure(error) || attempt >= options.maxAttempts) throw error;
        mustCheck = true;
        await clock.sleep(backoffMs(attempt, options.retryDelayMs), options.signal);
      }
    }
  };

  // PATCH carries the version: a 409 means someone (or our own landed attempt) changed it; re-read
  // and retry once (DESIGN "Tool → data action").
  const update = async (remote: RemoteEntry, desired: DesiredEntry): Promise<WriteResult> => {
    try {
      return await retrying(() => registry.update(remote, desired, call));
    } catch (error) {
      if (!(error instanceof GenesysConflictError)) throw error;
      const fresh = await retrying(() => registry.get(remote.id, call));
      if (sameSpec(fresh, desired)) return { entry: fresh, correlationId: error.correlationId };
      return retrying(() => registry.update(fresh, desired, call));
    }
  };

  const remove = async (id: string): Promise<string | undefined> => {
    try {
      return (await retrying(() => registry.remove(id, call))).correlationId;
    } catch (error) {
      // Already gone (an earlier attempt landed, or someone else removed it): that is the goal.
      if (error instanceof GenesysNotFoundError) return error.correlationId;
      throw error;
    }
  };

  return async (change: Change): Promise<Done> => {
    switch (change.kind) {
      case 'create': {
        const r = await create(change.desired);
        return {
          remoteId: r.entry.id,
          previousId: undefined,
          correlationId: r.correlationId,
          reconciled: r.reconciled,
        };
      }
      case 'update': {
        const r = await update(change.remote, change.desired);
        return {
          remoteId: r.entry.id,
          previousId: undefined,
          correlationId: r.correlationId,
          reconciled: false,
        };
      }
      case 'replace': {
        // Names are not unique in Genesys (reference §7.2): create the new one, then remove the
        // old; an interruption in between leaves a duplicate that the next plan deletes.
        const r = await create(change.desired);
        const correlationId = await remove(change.remote.id);
        return {
          remoteId: r.entry.id,
          previousId: change.remote.id,
          correlationId: correlationId ?? r.correlationId,
          reconciled: r.reconciled,
        };
      }
      case 'delete':
        return {
          remoteId: undefined,
          previousId: change.remote.id,
          correlationId: await remove(change.remote.id),
          reconciled: false,
        };
      case 'unchanged':
      case 'conflict':
        throw new RangeError(`${change.kind} is not a change to apply`);
    }
  };
}

/**
 * Carries out `plan` on `registry`. Every change is attempted even when others fail.
 * @throws SyncError SYNC_UNMANAGED_CONFLICT or SYNC_REPLACE_NOT_ALLOWED before touching anything;
 *   SYNC_ABORTED when the signal aborts; SYNC_APPLY_FAILED when some changes failed (details list
 *   them). Errors of `registry.prepare()` pass through.
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
  const work = plan.changes.filter(
    (c): c is Exclude<Change, { kind: 'unchanged' | 'conflict' }> =>
      c.kind !== 'unchanged' && c.kind !== 'conflict',
  );
  if (work.length === 0) return { events: [], applied: 0, failed: 0, skipped: 0 };
  if (work.some((c) => c.kind !== 'delete')) await registry.prepare({ signal: options.signal });

  // A function, not a narrowed property: the signal changes while we await.
  const aborted = (): boolean => options.signal?.aborted === true;
  const run = createChangeRunner(registry, options);
  const events: ChangeEvent[] = [];
  const record = (
    change: (typeof work)[number],
    outcome: Outcome,
    done: Partial<Done>,
    error?: unknown,
  ): void => {
    const event: ChangeEvent = {
      kind: change.kind,
      name: change.name,
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

  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const change = work[next++];
      if (change === undefined) return;
      if (aborted()) {
        record(change, 'skipped', {});
        continue;
      }
      try {
        record(change, 'applied', await run(change));
      } catch (error) {
        record(change, aborted() ? 'skipped' : 'failed', {}, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, work.length) }, worker));

  const count = (o: Outcome): number => events.filter((e) => e.outcome === o).length;
  const result = {
    events,
    applied: count('applied'),
    failed: count('failed'),
    skipped: count('skipped'),
  };
  const details = {
    applied: result.applied,
    failed: result.failed,
    skipped: result.skipped,
    failures: events
      .filter((e) => e.outcome === 'failed')
      .map((e) => ({ name: e.name, action: e.kind, ...e.error })),
  };
  if (aborted()) {
    throw new SyncError(
      'SYNC_ABORTED',
      `apply interrupted: ${result.applied} of ${work.length} changes applied, ${result.skipped} not done; run apply again to finish`,
      { details },
    );
  }
  if (result.failed > 0) {
    throw new SyncError(
      'SYNC_APPLY_FAILED',
      `${result.failed} of ${work.length} changes failed (${events
        .filter((e) => e.outcome === 'failed')
        .slice(0, 5)
        .map((e) => `${e.kind} "${e.name}": ${e.error?.code ?? 'error'}`)
        .join(
          '; ',
        )}${result.failed > 5 ? '; ...' : ''}); ${result.applied} applied. Run apply again to complete the job.`,
      { details },
    );
  }
  return result;
}
