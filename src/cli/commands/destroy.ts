/** `genesys-tools destroy [--auto-approve]`: removes every managed tool from the org (issue 5). */
import type { Command } from 'commander';
import { hasChanges, renderPlan } from '../../sync/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runSync } from './apply-run.js';
import { progressSink } from '../progress.js';
import { syncOptions } from './plan.js';
import { lockTimeoutOf, withWriteLease } from './write-lease.js';
import type { SyncFlags, SyncSession } from './sync-common.js';
import { approve, makePlan, openSession } from './sync-common.js';
import {
  DataActionsRegistryOptionsSchema,
  findLeftovers,
  removeLeftovers,
} from '../../registry/index.js';

interface DestroyFlags extends SyncFlags {
  readonly autoApprove?: boolean;
  readonly removeIntegration?: boolean;
  readonly lockTimeout?: string;
}

/** Says what destroy left behind, and removes it with --remove-integration when it is ours. */
async function leftovers(
  ctx: CliContext,
  session: SyncSession,
  flags: DestroyFlags,
): Promise<void> {
  if (session.target !== 'data-actions') return;
  const integrationId = flags.integrationId ?? session.file?.integrationId;
  const settings = DataActionsRegistryOptionsSchema.parse({
    executionUrl: 'https://execution-url.invalid',
    ...(session.file?.integrationName === undefined
      ? {}
      : { integrationName: session.file.integrationName }),
    ...(integrationId === undefined ? {} : { integrationId }),
  });
  const left = await findLeftovers(session.client, settings, ctx.stopSignal);
  const write = flags.json === true ? ctx.stderr : ctx.stdout;
  if (left.integration === undefined) return;
  const credential =
    left.credential === undefined
      ? 'no credential'
      : `credential "${left.credential.name}" (id ${left.credential.id}, ${left.credential.type})`;
  write(
    `Left behind: integration "${left.integration.name}" (id ${left.integration.id}) with ${credential}; ${left.actionsLeft} action${left.actionsLeft === 1 ? '' : 's'} of any category still use it.\n`,
  );
  if (!left.removable) {
    write("  They are kept: they are not this project's, or something still uses them.\n");
    return;
  }
  if (flags.removeIntegration !== true) {
    write(
      '  This project made them and nothing uses them: remove them with destroy --remove-integration.\n',
    );
    return;
  }
  await approve(ctx, 'Delete the integration and its credential?', flags.autoApprove === true);
  await removeLeftovers(session.client, left, ctx.stopSignal);
  write('  Removed the integration and its credential.\n');
}

/** Registers `destroy`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program
      .command('destroy')
      .description('Remove every tool this project manages from the org (asks first)'),
  )
    .option('--auto-approve', 'do not ask (CI)')
    .option(
      '--lock-timeout <ms>',
      'wait up to this long for the write lease another apply holds (default 0: fail at once, naming the holder)',
    )
    .option(
      '--remove-integration',
      'also delete the integration and credential this project made, when no action uses them',
    )
    .action(async (flags: DestroyFlags) => {
      const session = await openSession(ctx, flags, { executionUrl: false });
      const json = flags.json === true;
      const lockTimeoutMs = lockTimeoutOf(flags.lockTimeout);
      const first = (await makePlan(session, [], { destroy: true }, ctx.stopSignal)).plan;
      if (!hasChanges(first)) {
        if (!json) ctx.stdout(renderPlan(first));
        printResult(ctx, first, undefined, json);
      } else {
        if (!json) ctx.stdout(renderPlan(first));
        await approve(ctx, 'Do you want to perform these actions?', flags.autoApprove === true);
        // Planned again under the write lease, as apply does: what is there now is deleted.
        await withWriteLease(ctx, session, lockTimeoutMs, async (signal) => {
          const { plan } = await makePlan(session, [], { destroy: true }, signal);
          const run = await runSync(ctx, session, {
            tools: [],
            plan,
            allowReplace: false,
            json,
            concurrency: 8,
            signal,
            sink: progressSink(ctx, json),
            review: (p) => Promise.resolve({ go: hasChanges(p) }),
          });
          printResult(ctx, plan, run.result, json);
        });
      }
      await leftovers(ctx, session, flags);
      ctx.exitCode = EXIT.ok;
    });
}
