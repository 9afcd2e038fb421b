/**
 * The tools `serve` and `mcp` run: loaded from their paths, every problem printed in the CLI's one
 * format (stderr), manifests without a handler noted (with their endpoint) and left out.
 */
import type { ToolDefinition } from '../../definition/index.js';
import { loadTools } from '../../definition/index.js';
import { DefinitionError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { formatIssue } from './validate.js';

/** The one-line notice for a tool this process does not run: where its calls go, if anywhere. */
export function notServed(tool: ToolDefinition): string {
  return tool.endpoint === undefined
    ? `note: ${tool.name} has no handler and no endpoint; it is not served here, and plan and apply refuse to register it.`
    : `note: ${tool.name} has no handler; it is not served here: its calls go to its endpoint ${tool.endpoint}`;
}

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
  // Issue 15 item 10: a manifest is never given a route here (it could only answer 404); say
  // where its calls go instead.
  for (const t of tools.filter((x) => x.handler === undefined)) ctx.stderr(`${notServed(t)}\n`);
  if (served.length === 0) {
    throw new DefinitionError(
      'DEFINITION_NOT_FOUND',
      `${command}: no tool with a handler in ${where} (manifests are served at their endpoint, not here); write *.tool.ts modules with defineTool().`,
    );
  }
  return served;
}
