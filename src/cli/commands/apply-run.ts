/**
 * How `apply` and `destroy` carry out a plan: through the library's `syncTools` (so the CLI and
 * the library cannot drift), with the CLI's hooks — a line and an audit record per change, notes
 * and the progress of long waits on stderr, the guides and agents before any delete.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemClock } from '../../deps.js';
import type { ToolDefinition } from '../../definition/index.js';
import { ConfigError, SyncError } from '../../errors.js';
import type { ApplyResult, Plan } from '../../sync/index.js';
import { parsePlanFile, assertPlanFresh, planToJson } from '../../sync/index.js';
import { syncTools } from '../../sync-tools.js';
import type { CliContext } from '../context.js';
import type { ProgressSink } from '../progress.js';
import type { BindingsStage } from './bindings-stage.js';
import { bindingsHook } from './bindings-stage.js';
import type { SyncSession } from './sync-common.js';
import { openChangeAudit, progressWriter } from './sync-common.js';

/** A numeric flag in milliseconds, 0–600000. */
export function msOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new ConfigError('CONFIG_INVALID', `${flag} ${value}: expected milliseconds, 0–600000`, {
      details: { flag },
    });
  }
  return n;
}

/** `--concurrency`, 1–64, default 8. */
export function concurrencyOf(value: string | undefined): number {
  if (value === undefined) return 8;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ConfigError('CONFIG_INVALID', `--concurrency ${value}: expected an integer 1–64`, {
      details: { flag: '--concurrency' },
    });
  }
  return n;
}

/**
 * A plan saved with `plan --out`, refused when it was made for another scope or the org changed.
 * @throws SyncError SYNC_PLAN_FILE_INVALID, SYNC_PLAN_STALE
 */
export async function savedPlan(
  ctx: CliContext,
  session: SyncSession,
  file: string,
): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd, file), 'utf8');
  } catch (cause) {
    throw new SyncError('SYNC_PLAN_FILE_INVALID', `cannot read the plan file ${file}`, { cause });
  }
  const saved = parsePlanFile(text, file);
  if (saved.plan.target !== session.target || saved.plan.scope !== session.registry.scope) {
    throw new SyncError(
      'SYNC_PLAN_STALE',
      `${file} was made for ${saved.plan.scope} (${saved.plan.target}), not ${session.registry.scope} (${session.target}); run plan again`,
    );
  }
  assertPlanFresh(saved, await session.registry.list(saved.names, { signal: ctx.stopSignal }));
  return saved.plan;
}

/** What a run decides once it sees the plan it will apply. */
export interface Review {
  /** False: write nothing. */
  readonly go: boolean;
  readonly stage?: BindingsStage | undefined;
}

/** Options of `runSync`. */
export interface RunSyncOptions {
  readonly tools: readonly ToolDefinition[];
  /** A plan made already (saved, or destroy's): applied instead of planning `tools`. */
  readonly plan?: Plan | undefined;
  readonly prune?: boolean;
  readonly adopt?: boolean;
  readonly allowReplace: boolean;
  readonly json: boolean;
  readonly concurrency: number;
  readonly settleTimeoutMs?: number | undefined;
  readonly deleteWaitMs?: number | undefined;
  /** The run's signal (interrupt, lost lease). */
  readonly signal: AbortSignal;
  readonly sink: ProgressSink;
  /** Sees the plan before anything is written; throwing stops the run (a stale plan). */
  readonly review: (plan: Plan) => Promise<Review>;
}

/**
 * Plans (unless given a plan) and applies with `syncTools`. The audit log is opened only once
 * there is something to write.
 * @throws as `syncTools`; AuditError when the audit log cannot be opened or written.
 */
export async function runSync(
  ctx: CliContext,
  session: SyncSession,
  options: RunSyncOptions,
): Promise<{ readonly plan: Plan; readonly result: ApplyResult | undefined }> {
  const { json, sink } = options;
  const lines = progressWriter(ctx, json);
  let audit: Awaited<ReturnType<typeof openChangeAudit>> | undefined;
  let adopted = new Set<string>();
  let hook: ((ids: ReadonlyMap<string, string>) => Promise<void>) | undefined;
  let failed = false;
  try {
    return await syncTools({
      registry: session.registry,
      tools: options.tools,
      ...(options.plan === undefined ? {} : { plan: options.plan }),
      prune: options.prune === true,
      adopt: options.adopt === true,
      allowReplace: options.allowReplace,
      concurrency: options.concurrency,
      ...(options.settleTimeoutMs === undefined
        ? {}
        : { settleTimeoutMs: options.settleTimeoutMs }),
      ...(options.deleteWaitMs === undefined ? {} : { deleteWaitMs: options.deleteWaitMs }),
      signal: options.signal,
      onProgress: sink.onProgress,
      review: async (plan) => {
        const review = await options.review(plan);
        if (!review.go) return false;
        adopted = new Set(
          plan.changes
            .filter((c) => (c.kind === 'update' || c.kind === 'replace') && c.adopt)
            .map((c) => c.name),
        );
        const { stage } = review;
        hook =
          stage === undefined
            ? undefined
            : bindingsHook(ctx, session, stage, plan, { json, sink, clock: systemClock });
        audit = await openChangeAudit(ctx, session);
        return true;
      },
      onChange: async (e) => {
        sink.clear();
        lines.onChange(e);
        await audit?.record(e, adopted.has(e.name) && e.kind !== 'delete');
      },
      onNotice: (message) => {
        sink.clear();
        ctx.stderr(`note: ${message}\n`);
      },
      beforeRemovals: async (ids) => {
        await hook?.(ids);
      },
    });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    lines.finish();
    sink.finish();
    // After a failed audit write, closing may fail too: the run's own error says more.
    await audit?.close().catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

/** Prints the outcome of an apply. */
export function printResult(
  ctx: CliContext,
  plan: Plan,
  result: ApplyResult | undefined,
  json: boolean,
): void {
  if (json) {
    ctx.stdout(
      `${JSON.stringify(
        {
          plan: planToJson(plan),
          applied: result?.applied ?? 0,
          failed: result?.failed ?? 0,
          skipped: result?.skipped ?? 0,
          changes: result?.events ?? [],
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  ctx.stdout(
    result === undefined
      ? 'Nothing to do.\n'
      : `\nApply complete: ${result.applied} change${result.applied === 1 ? '' : 's'} applied.\n`,
  );
}
