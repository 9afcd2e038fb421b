/** `genesys-tools list [--json]`: the tools the org has in the managed scope (issue 5). */
import type { Command } from 'commander';
import type { RemoteEntry } from '../../registry/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { syncOptions } from './plan.js';
import type { SyncFlags } from './sync-common.js';
import { openSession } from './sync-common.js';

/** A text table with a header, columns padded to their widest cell. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

function row(e: RemoteEntry): string[] {
  return [
    e.name,
    e.id,
    e.version === undefined ? '-' : String(e.version),
    e.status ?? '-',
    e.endpoint ?? '-',
  ];
}

/** Registers `list`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program.command('list').description('Show the tools the org has in the managed scope'),
  ).action(async (flags: SyncFlags) => {
    const session = await openSession(ctx, flags, { executionUrl: false });
    const entries = [...(await session.registry.list([], { signal: ctx.stopSignal }))]
      .filter((e) => e.managed)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    if (flags.json === true) {
      const tools = entries.map((e) => ({
        name: e.name,
        id: e.id,
        version: e.version ?? null,
        status: e.status ?? null,
        endpoint: e.endpoint ?? null,
      }));
      ctx.stdout(
        `${JSON.stringify({ target: session.target, scope: session.registry.scope, tools }, null, 2)}\n`,
      );
    } else if (entries.length === 0) {
      ctx.stdout(`No tools in ${session.registry.scope} (${session.target}).\n`);
    } else {
      ctx.stdout(
        `${renderTable([['NAME', 'ID', 'VERSION', 'STATUS', 'ENDPOINT'], ...entries.map(row)])}\n`,
      );
    }
    ctx.exitCode = EXIT.ok;
  });
}
