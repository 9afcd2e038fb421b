/**
 * `genesys-tools plan [paths] [--detailed-exitcode] [--prune] [--adopt] [--out FILE] [--json]`:
 * what apply would change, like `terraform plan` (issue 5).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  descriptionNotes,
  hasChanges,
  planToJson,
  renderPlan,
  serialisePlan,
} from '../../sync/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { progressSink } from '../progress.js';
import {
  bindingsStageJson,
  boundByOf,
  planBindingsStage,
  renderAfterActions,
  stageHasChanges,
} from './bindings-stage.js';
import type { SyncFlags } from './sync-common.js';
import { loadDesiredTools, makePlan, openSession } from './sync-common.js';

interface PlanFlags extends SyncFlags {
  readonly detailedExitcode?: boolean;
  readonly prune?: boolean;
  readonly adopt?: boolean;
  readonly out?: string;
}

/** Adds the flags every sync command shares. */
export function syncOptions(command: Command): Command {
  return command
    .option('--target <target>', 'registry target: data-actions or gateway (GENESYS_TOOLS_TARGET)')
    .option(
      '--execution-url <url>',
      'public base URL of the execution server (GENESYS_TOOLS_EXECUTION_URL)',
    )
    .option('--category <name>', 'data action category that marks managed actions', undefined)
    .option('--config <file>', 'config file (default: genesys-tools.config.* in the directory)')
    .option(
      '--integration-id <id>',
      'the Web Services Data Actions integration to use (when several share the configured name)',
    )
    .option('--json', 'print JSON for machines');
}

/** Registers `plan`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program
      .command('plan')
      .description('Show what apply would change in the org, without changing anything')
      .argument('[paths...]', 'tool files or directories (default ./tools)'),
  )
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--prune', 'delete managed tools that no file defines')
    .option('--adopt', 'take over unmanaged registrations that carry a wanted name')
    .option('--out <file>', 'save the plan for apply --plan FILE')
    .action(async (paths: string[], flags: PlanFlags) => {
      const session = await openSession(ctx, flags);
      const tools = await loadDesiredTools(ctx, paths, session);
      const sink = progressSink(ctx, flags.json === true);
      const { plan, names } = await makePlan(
        session,
        tools,
        { prune: flags.prune === true, adopt: flags.adopt === true, onProgress: sink.onProgress },
        ctx.stopSignal,
      ).finally(() => {
        sink.finish();
      });
      const stage = await planBindingsStage(ctx, session, tools, plan);
      if (flags.out !== undefined) {
        await writeFile(resolve(ctx.cwd, flags.out), serialisePlan(plan, names));
      }
      ctx.stdout(
        flags.json === true
          ? `${JSON.stringify(
              {
                ...planToJson(plan),
                descriptions: descriptionNotes(plan, boundByOf(stage)),
                bindings: bindingsStageJson(stage),
              },
              null,
              2,
            )}\n`
          : `${renderPlan(plan)}${renderAfterActions(plan, stage)}`,
      );
      if (flags.out !== undefined && flags.json !== true) {
        ctx.stdout(
          `\nSaved the plan to ${flags.out}; apply it with: genesys-tools apply --plan ${flags.out}\n`,
        );
      }
      const changes = hasChanges(plan) || (plan.setup?.length ?? 0) > 0 || stageHasChanges(stage);
      ctx.exitCode = flags.detailedExitcode === true && changes ? EXIT.changes : EXIT.ok;
    });
}
