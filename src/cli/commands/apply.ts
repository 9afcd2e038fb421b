/**
 * `genesys-tools apply [paths] [--auto-approve] [--allow-replace] [--prune] [--adopt] [--plan FILE]`:
 * makes the org match the tool files (issue 5 "apply"), through the library's `syncTools`.
 */
import type { Command } from 'commander';
import { SyncError } from '../../errors.js';
import type { Plan } from '../../sync/index.js';
import { assertApplicable, hasChanges, planToJson, renderPlan } from '../../sync/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { progressSink } from '../progress.js';
import type { ProgressSink } from '../progress.js';
import { concurrencyOf, msOf, printResult, runSync, savedPlan } from './apply-run.js';
import { syncOptions } from './plan.js';
import { lockTimeoutOf, withWriteLease } from './write-lease.js';
import type { BindingsStage } from './bindings-stage.js';
import { planBindingsStage, renderAfterActions, stageHasChanges } from './bindings-stage.js';
import type { SyncFlags } from './sync-common.js';
import { approve, loadDesiredTools, makePlan, openSession } from './sync-common.js';

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

/**
 * The actions part of a plan, to compare: the integration and credential changes are left out,
 * since taking the write lease itself readies the integration (it lives in its config).
 */
const actionsOf = (plan: Plan): string =>
  JSON.stringify(planToJson({ ...plan, setup: [] }).changes) + plan.fingerprint;

const shown = (plan: Plan, stage: BindingsStage | undefined): string =>
  `${renderPlan(plan)}${renderAfterActions(plan, stage)}`;

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
      const sink = progressSink(ctx, flags.json === true);
      try {
        await runApplyCommand(ctx, paths, flags, sink);
      } finally {
        sink.finish();
      }
    });
}

async function runApplyCommand(
  ctx: CliContext,
  paths: readonly string[],
  flags: ApplyFlags,
  sink: ProgressSink,
): Promise<void> {
  const session = await openSession(ctx, flags);
  const json = flags.json === true;
  const autoApprove = flags.autoApprove === true;
  const allowReplace = flags.allowReplace === true;
  const lockTimeoutMs = lockTimeoutOf(flags.lockTimeout);
  const concurrency = concurrencyOf(flags.concurrency);
  const binds = (session.file?.guides.length ?? 0) + (session.file?.agents.length ?? 0) > 0;
  const tools =
    flags.plan === undefined || binds ? await loadDesiredTools(ctx, paths, session) : [];
  const choice = { prune: flags.prune === true, adopt: flags.adopt === true };
  const first =
    flags.plan === undefined
      ? (await makePlan(session, tools, { ...choice, onProgress: sink.onProgress }, ctx.stopSignal))
          .plan
      : await savedPlan(ctx, session, flags.plan);
  // Guides and agents are planned afresh (their plan holds no state worth saving).
  const firstStage = await planBindingsStage(ctx, session, tools, first);
  sink.clear();
  if (!json) ctx.stdout(shown(first, firstStage));
  if (!hasChanges(first) && !stageHasChanges(firstStage)) {
    printResult(ctx, first, undefined, json);
    // The credential's secret cannot be read back, so it is written whenever apply changes
    // something; rotating the token alone needs this explicit flag.
    if (flags.updateCredential === true) {
      await approve(ctx, 'Write the bearer token into the integration credential?', autoApprove);
      await session.registry.prepare({ signal: ctx.stopSignal });
      if (!json) {
        ctx.stdout(
          'Credential updated: the data actions now send the first GENESYS_TOOLS_BEARER_TOKEN.\n',
        );
      }
    }
    ctx.exitCode = EXIT.ok;
    return;
  }
  assertApplicable(first, { allowReplace });
  await approve(ctx, 'Do you want to perform these actions?', autoApprove);
  // Another apply may be writing: take the scope's write lease, then plan again under it.
  await withWriteLease(ctx, session, lockTimeoutMs, async (signal) => {
    const { plan, result } = await runSync(ctx, session, {
      tools,
      plan: flags.plan === undefined ? undefined : await savedPlan(ctx, session, flags.plan),
      ...choice,
      allowReplace,
      json,
      concurrency,
      settleTimeoutMs: msOf('--settle-timeout', flags.settleTimeout),
      deleteWaitMs: msOf('--delete-wait', flags.deleteWait),
      signal,
      sink,
      review: async (now) => {
        const stage = await planBindingsStage(ctx, session, tools, now);
        if (actionsOf(now) !== actionsOf(first)) {
          if (!autoApprove) {
            throw new SyncError(
              'SYNC_PLAN_STALE',
              'the org changed while this apply waited for the write lease (another run wrote to it); nothing was changed. Run apply again to see the new plan.',
            );
          }
          if (!json) {
            sink.clear();
            ctx.stdout(
              `The org changed while this apply waited for the write lease; planned again:\n${shown(now, stage)}`,
            );
          }
        }
        return { go: hasChanges(now) || stageHasChanges(stage), stage };
      },
    });
    printResult(ctx, plan, result, json);
  });
  ctx.exitCode = EXIT.ok;
}
