/**
 * `loadTools()`: tool files from paths (files or directories) into ToolDefinitions, with every
 * problem reported against its file. The steps live apart: finding the files (tool-files.ts),
 * manifests (load-manifest.ts), modules (load-module.ts).
 */
import { z } from 'zod';
import { DefinitionError } from '../errors.js';
import type { FileOutcome, LoadIssue, ToolFile } from './file-outcome.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import { missingEndpointIssue } from './endpoint.js';
import { loadFiles } from './load-module.js';
import { hasErrors, profileIssues } from './target-profiles.js';
import { findToolFiles } from './tool-files.js';
import type { TargetName, ToolDefinition } from './types.js';

export type { LoadIssue } from './file-outcome.js';
export { fileKind } from './tool-files.js';

/** What `loadTools` returns: the tools without errors (warnings allowed), and every issue. */
export interface LoadResult {
  readonly tools: readonly ToolDefinition[];
  readonly issues: readonly LoadIssue[];
}

const LoadOptionsSchema = z.strictObject({
  cwd: z.string().min(1),
  target: z.enum(['data-actions', 'gateway']).optional(),
});

/** Options of `loadTools`. */
export type LoadOptions = z.input<typeof LoadOptionsSchema>;

function targetIssues(
  tool: ToolDefinition,
  outcome: FileOutcome,
  file: ToolFile,
  target: TargetName,
): readonly LoadIssue[] {
  const locate =
    outcome.locate ?? ((i: DefinitionIssue): LoadIssue => ({ ...i, file: file.display }));
  // Loading for a registry: a tool nothing here serves must say where it is served (item 10).
  const unserved = missingEndpointIssue(tool);
  return [...(unserved === undefined ? [] : [unserved]), ...profileIssues(tool, target)].map(
    (i) => ({ ...locate(i), tool: tool.name }),
  );
}

/**
 * Loads tools from files and directories (relative to `cwd`): `*.tool.ts`/`*.tool.js` modules
 * (default export from `defineTool`), and `*.yaml`/`*.yml`/`*.json` manifests. With a `target`,
 * each tool is also checked against that target's profile, and a tool without a handler must
 * name its `endpoint` (DEFINITION_NO_ENDPOINT): nothing here serves it. Never throws for a bad tool file:
 * every problem is an issue naming its file (and pointer, and line:column in manifests); a tool
 * with errors is left out of `tools`. Duplicate names across files are an error naming both.
 * @throws DefinitionError DEFINITION_INVALID when the options are malformed.
 */
export async function loadTools(
  paths: readonly string[],
  options: LoadOptions,
): Promise<LoadResult> {
  const { cwd, target } = parseLoadOptions(options);
  const found = await findToolFiles(cwd, paths);
  const issues: LoadIssue[] = [...found.issues];
  const files = found.files;
  const outcomes = await loadFiles(files);
  const tools: ToolDefinition[] = [];
  const owners = new Map<string, ToolFile>();
  outcomes.forEach((outcome, index) => {
    const file = files[index];
    if (file === undefined) return;
    issues.push(...outcome.issues);
    const tool = outcome.tool;
    if (tool === undefined) return;
    const owner = owners.get(tool.name);
    if (owner !== undefined) {
      issues.push({
        ...issue(
          'DEFINITION_DUPLICATE_NAME',
          '/name',
          `tool "${tool.name}" is defined in both ${owner.display} and ${file.display}`,
        ),
        file: file.display,
        tool: tool.name,
      });
      return;
    }
    owners.set(tool.name, file);
    const profile = target === undefined ? [] : targetIssues(tool, outcome, file, target);
    issues.push(...profile);
    if (!hasErrors(profile)) tools.push(tool);
  });
  return { tools, issues };
}

function parseLoadOptions(options: LoadOptions): z.output<typeof LoadOptionsSchema> {
  const parsed = LoadOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new DefinitionError('DEFINITION_INVALID', `loadTools options: ${problems.join('; ')}`);
}
