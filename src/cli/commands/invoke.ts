/**
 * `genesys-tools invoke TOOL (--param k=v ... | --input JSON) [--json]`: runs a registered tool the
 * way the platform does (data action execute, or the gateway's invoke) (issue 5).
 */
import type { Command } from 'commander';
import { ConfigError, SyncError } from '../../errors.js';
import type { RemoteEntry } from '../../registry/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { syncOptions } from './plan.js';
import type { SyncFlags } from './sync-common.js';
import { openSession } from './sync-common.js';
import { isRecord } from '../../is-record.js';

interface InvokeFlags extends SyncFlags {
  readonly param?: string[];
  readonly input?: string;
}

/** The declared type of each input, from the registration's contract or schema. */
export function inputTypes(entry: RemoteEntry): Record<string, string> {
  const contract = entry.spec.fixed.contract;
  const fromContract = isRecord(contract) ? contract.input : undefined;
  const schema = fromContract ?? entry.spec.mutable.schema;
  const properties = isRecord(schema) ? schema.properties : undefined;
  const types: Record<string, string> = {};
  if (!isRecord(properties)) return types;
  for (const [name, p] of Object.entries(properties)) {
    if (isRecord(p) && typeof p.type === 'string') types[name] = p.type;
  }
  return types;
}

/**
 * `k=v` pairs as the tool's inputs, typed by its schema (numbers, integers, booleans).
 * @throws ConfigError CONFIG_USAGE for a pair without `=` or a value that does not fit its type.
 */
export function paramsToInput(
  pairs: readonly string[],
  types: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError('CONFIG_USAGE', `--param ${pair}: expected name=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const type = types[key];
    if (type === 'integer' || type === 'number') {
      const n = Number(raw);
      if (
        raw.trim() === '' ||
        !Number.isFinite(n) ||
        (type === 'integer' && !Number.isInteger(n))
      ) {
        throw new ConfigError(
          'CONFIG_USAGE',
          `--param ${key}: "${raw}" is not ${type === 'integer' ? 'an integer' : 'a number'}`,
        );
      }
      input[key] = n;
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') {
        throw new ConfigError('CONFIG_USAGE', `--param ${key}: expected true or false`);
      }
      input[key] = raw === 'true';
    } else {
      input[key] = raw;
    }
  }
  return input;
}

function parseInput(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(
      'CONFIG_USAGE',
      '--input: not JSON; pass an object such as \'{"sku": "A-1"}\'',
    );
  }
  if (!isRecord(value)) throw new ConfigError('CONFIG_USAGE', '--input: expected a JSON object');
  return value;
}

/** Registers `invoke`. */
export function register(program: Command, ctx: CliContext): void {
  syncOptions(
    program
      .command('invoke')
      .description('Run a registered tool the way Genesys Cloud does, and print its output')
      .argument('<tool>', 'tool name'),
  )
    .option(
      '--param <name=value>',
      'an input (repeatable)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--input <json>', 'all inputs as one JSON object')
    .action(async (tool: string, flags: InvokeFlags) => {
      if (flags.param !== undefined && flags.input !== undefined) {
        throw new ConfigError(
          'CONFIG_USAGE',
          'pass either --param name=value ... or --input JSON, not both',
        );
      }
      const session = await openSession(ctx, flags, { executionUrl: false });
      const found = (await session.registry.list([tool], { signal: ctx.stopSignal })).filter(
        (e) => e.name === tool,
      );
      const entry = found.find((e) => e.managed) ?? found[0];
      if (entry === undefined) {
        throw new SyncError(
          'SYNC_NOT_FOUND',
          `no tool "${tool}" in ${session.registry.scope} (${session.target}); run apply first, or check the name with list`,
        );
      }
      const input =
        flags.input !== undefined
          ? parseInput(flags.input)
          : paramsToInput(flags.param ?? [], inputTypes(entry));
      const result = await session.registry.invoke(entry, input, { signal: ctx.stopSignal });
      ctx.stdout(
        flags.json === true
          ? `${JSON.stringify({ tool, id: result.id, output: result.output }, null, 2)}\n`
          : `${JSON.stringify(result.output, null, 2)}\n`,
      );
      ctx.exitCode = EXIT.ok;
    });
}
