/**
 * The tools `serve` and `mcp` run: loaded from their paths, every problem printed in the CLI's one
 * format (stderr), manifests without a handler noted and left out.
 */
import type { ToolDefinition } from '../../definition/index.js';
import { loadTools } from '../../definition/index.js';
import { DefinitionError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { formatIssue } from './validate.js';

/**
 * Loads the tools with handlers from `paths`.
 * @throws DefinitionError DEFINITION_INVALID (a tool file has errors), DEFINITION_NOT_FOUND (none
 * with a handler).
 */
export async function toolsWithHandlers(
  ctx: CliContext,
  paths: readonly string[],
  command: string,
): Promise<readonly ToolDefinition[]> {
  const where = paths.join(', ');
  const { tools, issues } = await loadTools(paths, { cwd: ctx.cwd });
  for (const issue of issues) ctx.stderr(`${formatIssue(issue)}\n`);
  if (issues.some((i) => i.severity === 'error')) {
    throw new DefinitionError(
      'DEFINITION_INVALID',
      `${command}: ${where} has tool files with errors (listed above); fix them or run validate.`,
    );
  }
  const served = tools.filter((t) => t.handler !== undefined);
  for (const t of tools.filter((x) => x.handler === undefined)) {
    ctx.stderr(`note: ${t.name} is a manifest without a handler; it is not served.\n`);
  }
  if (served.length === 0) {
    throw new DefinitionError(
      'DEFINITION_NOT_FOUND',
      `${command}: no tool with a handler in ${where}; write *.tool.ts modules with defineTool().`,
    );
  }
  return served;
}
