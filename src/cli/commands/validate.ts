/**
 * `genesys-tools validate [paths...] [--target data-actions|gateway] [--json]`: loads tool files
 * and checks them against the capability matrix and the target profile, then the guides and
 * agents of the config file against the tools. Exit 0 when everything is valid (warnings
 * allowed), 1 when anything is not or on usage errors.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfigFile, loadEnvConfig } from '../../config.js';
import { validateBindings } from '../../bindings/index.js';
import { ConfigError } from '../../errors.js';
import { loadTools } from '../../definition/index.js';
import type { LoadIssue, TargetName } from '../../definition/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const ValidateOptionsSchema = z.strictObject({
  target: z.enum(['data-actions', 'gateway']).optional(),
  config: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

/** The default tool path when neither arguments nor the config file name one (DESIGN "CLI"). */
const DEFAULT_TOOLS_PATH = 'tools';

/** What a printed issue carries: a tool file's (LoadIssue) or the config file's (BindingIssue). */
type ShownIssue = Pick<LoadIssue, 'file' | 'pointer' | 'message' | 'hint' | 'severity'> &
  Partial<Pick<LoadIssue, 'line' | 'column' | 'tool'>> & { readonly code: string };

/**
 * An issue in the CLI's one error format (issue 15 item 17): `error CODE: where: message` (or
 * `warning CODE: ...`), then `  fix: hint`; `where` is `file[:line:col][:pointer]`.
 */
export function formatIssue(i: ShownIssue): string {
  const where =
    i.line === undefined ? i.file : `${i.file}:${String(i.line)}:${String(i.column ?? 1)}`;
  const at = i.pointer === '' ? where : `${where}:${i.pointer}`;
  return `${i.severity} ${i.code}: ${at}: ${i.message}\n  fix: ${i.hint}`;
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** The closing summary line. */
export function formatSummary(
  valid: number,
  issues: readonly Pick<LoadIssue, 'severity'>[],
  target: TargetName,
): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const verdict = errors === 0 ? 'valid' : 'INVALID';
  return `${verdict}: ${plural(valid, 'valid tool')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (target ${target})`;
}

function parseOptions(raw: unknown): z.output<typeof ValidateOptionsSchema> {
  const parsed = ValidateOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    'CONFIG_USAGE',
    `validate: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
  );
}

async function runValidate(paths: readonly string[], raw: unknown, ctx: CliContext): Promise<void> {
  const options = parseOptions(raw);
  const env = loadEnvConfig(ctx.env);
  const fileConfig = await loadConfigFile(ctx.cwd, options.config);
  // Precedence: the flag, then the config file, then GENESYS_TOOLS_TARGET (default data-actions).
  const target: TargetName = options.target ?? fileConfig?.target ?? env.target;
  const toolPaths = paths.length > 0 ? paths : (fileConfig?.tools ?? [DEFAULT_TOOLS_PATH]);
  const result = await loadTools(toolPaths, { cwd: ctx.cwd, target });
  // The guides and agents of the config file name tools: check them against the tools loaded.
  const bindingIssues =
    fileConfig === undefined ? [] : await validateBindings(fileConfig, result.tools, ctx.cwd);
  const issues: readonly ShownIssue[] = [...result.issues, ...bindingIssues];
  ctx.exitCode = issues.some((i) => i.severity === 'error') ? EXIT.failure : EXIT.ok;
  if (options.json === true) {
    const rows = issues.map((i) => ({
      file: i.file,
      tool: i.tool ?? null,
      pointer: i.pointer,
      message: i.message,
      hint: i.hint,
      code: i.code,
      severity: i.severity,
      ...(i.line === undefined ? {} : { line: i.line, column: i.column }),
    }));
    ctx.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const i of issues) ctx.stdout(`${formatIssue(i)}\n`);
  ctx.stdout(`${formatSummary(result.tools.length, issues, target)}\n`);
}

/** Registers `validate`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check tool files against the capability matrix and a target profile')
    .argument(
      '[paths...]',
      'tool files or directories (default: the config file\'s "tools", else ./tools)',
    )
    .addOption(
      new Option('--target <target>', 'registry target whose rules apply').choices([
        'data-actions',
        'gateway',
      ]),
    )
    .option('--config <file>', 'config file (default: genesys-tools.config.* in the directory)')
    .option('--json', 'print the issues as a JSON array')
    .action(async (paths: string[], raw: unknown) => {
      await runValidate(paths, raw, ctx);
    });
}
