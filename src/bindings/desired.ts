/**
 * The guides and agents of the config file, resolved against the tools (labels, descriptions,
 * instruction text) and checked: known tools, identifier labels, the guide limits of reference
 * §6.1 (5 data actions, 4 inputs each), and the `{{Action.X}}` names of an owned instruction.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { AgentConfig, FileConfig, GuideConfig } from '../config.js';
import type { ToolDefinition } from '../definition/index.js';
import type { BindingErrorCode } from '../errors.js';
import { BindingError, ERROR_CATALOGUE } from '../errors.js';
import type {
  BindingIssue,
  DesiredAgent,
  DesiredAgentTool,
  DesiredBindings,
  DesiredGuide,
  DesiredGuideTool,
} from './types.js';

/** Guide labels: what `{{Action.<label>}}` can name (BINDINGS-WIRE.md "Guides"). */
export const LABEL_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
/** At most this many data actions per guide (reference §6.1). */
export const GUIDE_ACTION_LIMIT = 5;
/** A guide uses at most this many inputs of a data action (reference §6.1). */
export const GUIDE_INPUT_LIMIT = 4;

const ACTION_REFERENCE = /\{\{\s*Action\.([A-Za-z0-9_]+)\s*\}\}/g;

/** The default label of a tool: its name in PascalCase (`check_inventory` → `CheckInventory`). */
export function defaultLabel(toolName: string): string {
  return toolName
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}

/** The labels an instruction names as `{{Action.X}}`, in order, without repeats. */
export function labelsNamed(instruction: string): string[] {
  return [...new Set([...instruction.matchAll(ACTION_REFERENCE)].map((m) => m[1] ?? ''))];
}

/** What `resolveBindings` returns: the bindings as far as they resolve, and every problem. */
export interface ResolvedBindings {
  readonly desired: DesiredBindings;
  readonly issues: readonly BindingIssue[];
}

type Report = (
  code: BindingErrorCode,
  pointer: string,
  message: string,
  severity?: 'error' | 'warning',
) => void;

function inputCount(tool: ToolDefinition): number {
  const props = tool.inputSchema['properties'];
  return typeof props === 'object' && props !== null ? Object.keys(props).length : 0;
}

function checkTool(
  name: string,
  pointer: string,
  tools: ReadonlyMap<string, ToolDefinition>,
  seen: Set<string>,
  report: Report,
): ToolDefinition | undefined {
  if (seen.has(name)) {
    report('BINDING_DUPLICATE_TOOL', `${pointer}/tool`, `tool "${name}" is bound twice`);
    return undefined;
  }
  seen.add(name);
  const tool = tools.get(name);
  if (tool === undefined) {
    const known = [...tools.keys()].sort().join(', ') || 'none';
    report('BINDING_UNKNOWN_TOOL', `${pointer}/tool`, `no tool "${name}" (tools: ${known})`);
  }
  return tool;
}

async function readInstruction(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function resolveGuide(
  g: GuideConfig,
  at: string,
  tools: ReadonlyMap<string, ToolDefinition>,
  report: Report,
): Promise<DesiredGuide> {
  const seen = new Set<string>();
  const labels = new Map<string, number>();
  // Labels of entries without other problems: only these get the "never named" warning.
  const checked = new Set<string>();
  const out: DesiredGuideTool[] = [];
  g.tools.forEach((t, j) => {
    const pointer = `${at}/tools/${String(j)}`;
    const tool = checkTool(t.tool, pointer, tools, seen, report);
    const label = t.label ?? defaultLabel(t.tool);
    const labelAt = t.label === undefined ? `${pointer}/tool` : `${pointer}/label`;
    if (!LABEL_PATTERN.test(label)) {
      report('BINDING_INVALID_LABEL', labelAt, `label "${label}" is not an identifier`);
    } else if (labels.has(label)) {
      report('BINDING_DUPLICATE_LABEL', labelAt, `label "${label}" is used twice in the guide`);
    }
    labels.set(label, j);
    if (tool !== undefined && LABEL_PATTERN.test(label)) checked.add(label);
    if (tool !== undefined && inputCount(tool) > GUIDE_INPUT_LIMIT) {
      report(
        'BINDING_TOO_MANY_INPUTS',
        `${pointer}/tool`,
        `tool "${t.tool}" has ${String(inputCount(tool))} inputs; a guide can use only ${String(GUIDE_INPUT_LIMIT)}`,
      );
    }
    if (tool !== undefined) {
      out.push({ tool: t.tool, label, description: t.description ?? tool.description });
    }
  });
  if (g.tools.length > GUIDE_ACTION_LIMIT) {
    report(
      'BINDING_TOO_MANY_ACTIONS',
      `${at}/tools`,
      `${String(g.tools.length)} data actions; a guide holds at most ${String(GUIDE_ACTION_LIMIT)}`,
    );
  }
  const instruction =
    g.instruction === undefined ? undefined : await readInstruction(g.instruction);
  if (g.instruction !== undefined && instruction === undefined) {
    report('BINDING_INSTRUCTION_NOT_FOUND', `${at}/instruction`, `cannot read ${g.instruction}`);
  }
  if (instruction !== undefined) {
    const named = labelsNamed(instruction);
    for (const label of named.filter((l) => !labels.has(l))) {
      report(
        'BINDING_UNBOUND_LABEL',
        `${at}/instruction`,
        `the instruction names {{Action.${label}}} but the guide binds no tool labelled "${label}" (labels: ${[...labels.keys()].join(', ') || 'none'})`,
      );
    }
    for (const [label, j] of labels) {
      if (checked.has(label) && !named.includes(label)) {
        report(
          'BINDING_LABEL_NOT_USED',
          `${at}/tools/${String(j)}`,
          `the instruction never names {{Action.${label}}}`,
          'warning',
        );
      }
    }
  }
  return { kind: 'guide', ref: { name: g.name, id: g.id }, pointer: at, tools: out, instruction };
}

function resolveAgent(
  a: AgentConfig,
  at: string,
  tools: ReadonlyMap<string, ToolDefinition>,
  report: Report,
): DesiredAgent {
  const seen = new Set<string>();
  const out: DesiredAgentTool[] = [];
  a.tools.forEach((t, j) => {
    const tool = checkTool(t.tool, `${at}/tools/${String(j)}`, tools, seen, report);
    if (tool === undefined) return;
    out.push({
      tool: t.tool,
      description: t.description ?? tool.description,
      errors: t.errors.map((e) => ({ statusCodes: [...e.status], instruction: e.instruction })),
    });
  });
  return { kind: 'agent', ref: { name: a.name, id: a.id }, pointer: at, tools: out };
}

function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return file;
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/**
 * Resolves the guides and agents of `file` against `tools` and reports every problem; the
 * desired bindings leave out the tools that do not resolve. Reads the instruction files.
 */
export async function resolveBindings(
  file: Pick<FileConfig, 'file' | 'guides' | 'agents'>,
  tools: readonly ToolDefinition[],
  cwd?: string,
): Promise<ResolvedBindings> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const issues: BindingIssue[] = [];
  const shown = displayPath(file.file, cwd);
  const report: Report = (code, pointer, message, severity = 'error') => {
    issues.push({ file: shown, pointer, code, message, hint: ERROR_CATALOGUE[code].fix, severity });
  };
  const guides: DesiredGuide[] = [];
  for (const [i, g] of file.guides.entries()) {
    guides.push(await resolveGuide(g, `/guides/${String(i)}`, byName, report));
  }
  const agents = file.agents.map((a, i) => resolveAgent(a, `/agents/${String(i)}`, byName, report));
  return { desired: { guides, agents }, issues };
}

/** Every problem of the guides and agents of `file` (errors and warnings). */
export async function validateBindings(
  file: Pick<FileConfig, 'file' | 'guides' | 'agents'>,
  tools: readonly ToolDefinition[],
  cwd?: string,
): Promise<readonly BindingIssue[]> {
  return (await resolveBindings(file, tools, cwd)).issues;
}

/**
 * Refuses bindings with errors (warnings pass).
 * @throws BindingError BINDING_INVALID listing each error as `file:pointer: message`.
 */
export function assertBindingsValid(issues: readonly BindingIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const lines = errors.map((i) => `${i.file}:${i.pointer}: ${i.message} (${i.code})`);
  throw new BindingError(
    'BINDING_INVALID',
    `the guides and agents have errors: ${lines.join('; ')}`,
    {
      details: { issues: errors },
    },
  );
}
