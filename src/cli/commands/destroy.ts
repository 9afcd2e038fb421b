/** `genesys-tools destroy [--auto-approve]`: removes every managed tool from the org (issue 5). */
import type { Command } from 'commander';
import { renderPlan } from '../../sync/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runApply } from './apply.js';
import { syncOptions } from './plan.js';
import type { SyncFlags } from './sync-common.js';
import { makePlan, openSession } from './sync-common.js';

interface DestroyFlags extends SyncFlags {
  readonly autoApprove?: boolean;
}

/** Registers `destroy`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program
      .command('destroy')
      .description('Remove every tool this project manages from the org (asks first)'),
  )
    .option('--auto-approve', 'do not ask (CI)')
    .action(async (flags: DestroyFlags) => {
      const session = await openSession(ctx, flags, { executionUrl: false });
      const json = flags.json === true;
      const { plan } = await makePlan(session, [], { destroy: true }, ctx.stopSignal);
      if (!json) ctx.stdout(renderPlan(plan));
      const result = await runApply(ctx, session, plan, {
        autoApprove: flags.autoApprove === true,
        allowReplace: false,
        json,
        concurrency: 8,
      });
      printResult(ctx, plan, result, json);
      ctx.exitCode = EXIT.ok;
    });
}
