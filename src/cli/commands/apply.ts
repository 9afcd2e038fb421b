/**
 * `genesys-tools apply [paths] [--auto-approve] [--allow-replace] [--prune] [--adopt] [--plan FILE]`:
 * makes the org match the tool files (issue 5 "apply").
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, SyncError } from '../../errors.js';
import type { ApplyResult, Plan } from '../../sync/index.js';
import {
  applyPlan,
  assertApplicable,
  assertPlanFresh,
  hasChanges,
  parsePlanFile,
  planToJson,
  renderPlan,
} from '../../sync/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { syncOptions } from './plan.js';
import { lockTimeoutOf, withWriteLease } from './write-lease.js';
import type { BindingsStage } from './bindings-stage.js';
import {
  bindingsHook,
  planBindingsStage,
  renderAfterActions,
  stageHasChanges,
} from './bindings-stage.js';
import type { SyncFlags, SyncSession } from './sync-common.js';
import {
  approve,
  loadDesiredTools,
  makePlan,
  openChangeAudit,
  openSession,
  progressWriter,
} from './sync-common.js';

interface ApplyFlags extends SyncFlags {
  readonly autoApprove?: boolean;
  readonly allowReplace?: boolean;
  readonly prune?: boolean;
  readonly adopt?: boolean;
  readonly plan?: string;
  readonly concurrency?: string;
  readonly updateCredential?: boolean;
  readonly settleTimeout?: string;
  readonly deleteWait?: string;
  readonly lockTimeout?: string;
}

function msOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new ConfigError('CONFIG_INVALID', `${flag} ${value}: expected milliseconds, 0–600000`, {
      details: { flag },
    });
  }
  return n;
}

function concurrencyOf(value: string | undefined): number {
  if (value === undefined) return 8;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ConfigError('CONFIG_INVALID', `--concurrency ${value}: expected an integer 1–64`, {
      details: { flag: '--concurrency' },
    });
  }
  return n;
}

async function savedPlan(ctx: CliContext, session: SyncSession, file: string): Promise<Plan> {
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

/**
 * Carries out a plan after approval, with progress lines and an audit record per change; shared
 * by apply and destroy.
 */
export async function runApply(
  ctx: CliContext,
  session: SyncSession,
  plan: Plan,
  flags: {
    autoApprove: boolean;
    allowReplace: boolean;
    json: boolean;
    concurrency: number;
    settleTimeoutMs?: number | undefined;
    deleteWaitMs?: number | undefined;
    /** The run's signal (interrupt, lost lease); ctx.stopSignal when absent. */
    signal?: AbortSignal | undefined;
    /** Approval was already given (apply asks before it takes the write lease). */
    approved?: boolean | undefined;
  },
  stage?: BindingsStage,
): Promise<ApplyResult | undefined> {
  if (!hasChanges(plan) && !stageHasChanges(stage)) return undefined;
  assertApplicable(plan, { allowReplace: flags.allowReplace });
  if (flags.approved !== true) {
    await approve(ctx, 'Do you want to perform these actions?', flags.autoApprove);
  }
  const adopted = new Set(
    plan.changes
      .filter((c) => (c.kind === 'update' || c.kind === 'replace') && c.adopt)
      .map((c) => c.name),
  );
  const audit = await openChangeAudit(ctx, session);
  const progress = progressWriter(ctx, flags.json);
  let failed = false;
  try {
    return await applyPlan(plan, session.registry, {
      allowReplace: flags.allowReplace,
      concurrency: flags.concurrency,
      ...(flags.settleTimeoutMs === undefined ? {} : { settleTimeoutMs: flags.settleTimeoutMs }),
      ...(flags.deleteWaitMs === undefined ? {} : { deleteWaitMs: flags.deleteWaitMs }),
      signal: flags.signal ?? ctx.stopSignal,
      onChange: async (e) => {
        progress.onChange(e);
        await audit.record(e, adopted.has(e.name) && e.kind !== 'delete');
      },
      onNotice: (message) => {
        ctx.stderr(`note: ${message}\n`);
      },
      ...(stage === undefined
        ? {}
        : { beforeRemovals: bindingsHook(ctx, session, stage, plan, flags.json) }),
    });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    progress.finish();
    // After a failed audit write, closing may fail too: the apply's own error says more.
    await audit.close().catch((error: unknown) => {
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

/** Registers `apply`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program
      .command('apply')
      .description('Make the org match the tool files (asks first unless --auto-approve)')
      .argument('[paths...]', 'tool files or directories (default ./tools)'),
  )
    .option('--auto-approve', 'do not ask (CI)')
    .option('--allow-replace', 'carry out replaces: the data action gets a new id')
    .option('--prune', 'delete managed tools that no file defines')
    .option('--adopt', 'take over unmanaged registrations that carry a wanted name')
    .option(
      '--plan <file>',
      'apply a plan saved with plan --out (refused if the org changed since)',
    )
    .option('--concurrency <n>', 'changes in flight at once (1–64, default 8)')
    .option(
      '--settle-timeout <ms>',
      'how long the org may take to list a new action or unlist a deleted one (default 10000)',
    )
    .option(
      '--delete-wait <ms>',
      'how long a deleted action may still read as present (default 30000)',
    )
    .option(
      '--lock-timeout <ms>',
      'wait up to this long for the write lease another apply holds (default 0: fail at once, naming the holder)',
    )
    .option(
      '--update-credential',
      'write GENESYS_TOOLS_BEARER_TOKEN into the integration credential even when no tool changes (token rotation)',
    )
    .action(async (paths: string[], flags: ApplyFlags) => {
      const session = await openSession(ctx, flags);
      const json = flags.json === true;
      const concurrency = concurrencyOf(flags.concurrency);
      const lockTimeoutMs = lockTimeoutOf(flags.lockTimeout);
      const autoApprove = flags.autoApprove === true;
      const allowReplace = flags.allowReplace === true;
      const binds = (session.file?.guides.length ?? 0) + (session.file?.agents.length ?? 0) > 0;
      const tools =
        flags.plan === undefined || binds ? await loadDesiredTools(ctx, paths, session) : [];
      const planNow = async (signal: AbortSignal) => {
        const plan =
          flags.plan === undefined
            ? (
                await makePlan(
                  session,
                  tools,
                  { prune: flags.prune === true, adopt: flags.adopt === true },
                  signal,
                )
              ).plan
            : await savedPlan(ctx, session, flags.plan);
        // Guides and agents are planned afresh (their plan holds no state worth saving).
        return { plan, stage: await planBindingsStage(ctx, session, tools, plan) };
      };
      const shown = (p: { plan: Plan; stage: BindingsStage | undefined }): string =>
        `${renderPlan(p.plan)}${renderAfterActions(p.plan, p.stage)}`;
      const first = await planNow(ctx.stopSignal);
      if (!json) ctx.stdout(shown(first));
      if (hasChanges(first.plan) || stageHasChanges(first.stage)) {
        assertApplicable(first.plan, { allowReplace });
        await approve(ctx, 'Do you want to perform these actions?', autoApprove);
        // Another apply may be writing: take the scope's write lease, then plan again under it.
        await withWriteLease(ctx, session, lockTimeoutMs, async (signal) => {
          const now = await planNow(signal);
          if (JSON.stringify(planToJson(now.plan)) !== JSON.stringify(planToJson(first.plan))) {
            if (!autoApprove) {
              throw new SyncError(
                'SYNC_PLAN_STALE',
                'the org changed while this apply waited for the write lease (another run wrote to it); nothing was changed. Run apply again to see the new plan.',
              );
            }
            if (!json) {
              ctx.stdout(
                `The org changed while this apply waited for the write lease; planned again:\n${shown(now)}`,
              );
            }
          }
          const result = await runApply(
            ctx,
            session,
            now.plan,
            {
              autoApprove,
              allowReplace,
              json,
              concurrency,
              settleTimeoutMs: msOf('--settle-timeout', flags.settleTimeout),
              deleteWaitMs: msOf('--delete-wait', flags.deleteWait),
              signal,
              approved: true,
            },
            now.stage,
          );
          printResult(ctx, now.plan, result, json);
        });
      } else {
        printResult(ctx, first.plan, undefined, json);
        // The credential's secret cannot be read back, so it is written whenever apply changes
        // something; rotating the token alone needs this explicit flag.
        if (flags.updateCredential === true) {
          await approve(
            ctx,
            'Write the bearer token into the integration credential?',
            autoApprove,
          );
          await session.registry.prepare({ signal: ctx.stopSignal });
          if (!json)
            ctx.stdout(
              'Credential updated: the data actions now send the first GENESYS_TOOLS_BEARER_TOKEN.\n',
            );
        }
      }
      ctx.exitCode = EXIT.ok;
    });
}
