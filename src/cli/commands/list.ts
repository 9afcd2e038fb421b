/**
 * `genesys-tools list [--json]`: the tools the org has in the managed scope (issue 5), and per
 * data action the guides, agents and flows that use it (issue 13 item 7).
 */
import type { Command } from 'commander';
import type { Consumer } from '../../bindings/index.js';
import { bindingsUsage } from '../../bindings/index.js';
import { isGenesysToolsError } from '../../errors.js';
import type { RemoteEntry } from '../../registry/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { syncOptions } from './plan.js';
import type { SyncFlags, SyncSession } from './sync-common.js';
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

/** Who uses an action, as the USED BY column shows it: `guide "Store assistant", flow "Main"`. */
export function renderUsage(consumers: readonly Consumer[] | undefined): string {
  if (consumers === undefined) return '?';
  if (consumers.length === 0) return '-';
  const kind = (type: string): string =>
    type === 'GUIDE' ? 'guide' : type === 'VIRTUALAGENT' ? 'agent' : 'flow';
  return consumers.map((c) => `${kind(c.type)} "${c.name ?? c.id}"`).join(', ');
}

function row(
  e: RemoteEntry,
  usage: ReadonlyMap<string, readonly Consumer[]> | undefined,
): string[] {
  return [
    e.name,
    e.id,
    e.version === undefined ? '-' : String(e.version),
    e.status ?? '-',
    e.endpoint ?? '-',
    renderUsage(usage === undefined ? undefined : (usage.get(e.id) ?? [])),
  ];
}

// Dependency tracking needs architect:dependencyTracking:view; without it, list still lists.
async function readUsage(
  ctx: CliContext,
  session: SyncSession,
  ids: readonly string[],
): Promise<ReadonlyMap<string, readonly Consumer[]> | undefined> {
  if (session.target !== 'data-actions' || ids.length === 0) return new Map();
  try {
    return await bindingsUsage(session.client, ids, ctx.stopSignal);
  } catch (error) {
    if (!isGenesysToolsError(error) || ctx.stopSignal.aborted) throw error;
    ctx.stderr(`note: cannot read who uses the tools (${error.code}: ${error.message})\n`);
    return undefined;
  }
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
    const usage = await readUsage(
      ctx,
      session,
      entries.map((e) => e.id),
    );
    if (flags.json === true) {
      const tools = entries.map((e) => ({
        name: e.name,
        id: e.id,
        version: e.version ?? null,
        status: e.status ?? null,
        endpoint: e.endpoint ?? null,
        usedBy:
          usage === undefined
            ? null
            : (usage.get(e.id) ?? []).map((c) => ({
                type: c.type,
                id: c.id,
                name: c.name ?? null,
                versions: c.versions,
              })),
      }));
      ctx.stdout(
        `${JSON.stringify({ target: session.target, scope: session.registry.scope, tools }, null, 2)}\n`,
      );
    } else if (entries.length === 0) {
      ctx.stdout(`No tools in ${session.registry.scope} (${session.target}).\n`);
    } else {
      const header = ['NAME', 'ID', 'VERSION', 'STATUS', 'ENDPOINT', 'USED BY'];
      ctx.stdout(`${renderTable([header, ...entries.map((e) => row(e, usage))])}\n`);
    }
    ctx.exitCode = EXIT.ok;
  });
}
