/**
 * Target profiles (DESIGN "Tool definition"; API reference §7.3): what a registry target demands
 * beyond the capability matrix. `gateway` is the capability matrix itself; `data-actions` adds
 * Genesys' data action contract rules. Pure: tool in, issues out.
 */
import { MAX_DESCRIPTION, checkCapabilities, schemaNodes } from './capability-matrix.js';
import { TOOL_NAME_PATTERN } from './define-tool.js';
import type { DefinitionIssue } from './issues.js';
import { issue, pointerToken, warning } from './issues.js';
import { inputTypeIssues } from './input-types.js';
import { isPlainObject } from './to-json-schema.js';
import type { JsonSchema, TargetName, ToolDefinition } from './types.js';

/** Genesys' input property names (reference §7.3). */
export const DATA_ACTION_INPUT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Input names Genesys reserves for itself (reference §7.3). */
export const RESERVED_INPUT_NAMES: ReadonlySet<string> = new Set([
  'orgId',
  'integrationId',
  'rawRequest',
]);
/** An AI Guide can use only this many inputs of a data action (DESIGN). */
export const GUIDE_INPUT_LIMIT = 4;

// Keywords with no draft-04 spelling: Genesys stores contracts as draft-04-style schemas
// (reference §7.3), so it would ignore or refuse them. Warned, not refused: the server still
// enforces them on invocation.
const NOT_DRAFT_04 = [
  'const',
  'prefixItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedItems',
  'unevaluatedProperties',
  '$defs',
  '$anchor',
  '$dynamicAnchor',
] as const;

function typesOf(schema: Readonly<Record<string, unknown>>): readonly unknown[] | undefined {
  const t = schema['type'];
  if (t === undefined) return undefined;
  const list: readonly unknown[] = Array.isArray(t) ? t : [t];
  return list;
}

function inputPropertyIssues(name: string, schema: unknown): DefinitionIssue[] {
  const at = `/input/properties/${pointerToken(name)}`;
  const out: DefinitionIssue[] = [];
  if (!DATA_ACTION_INPUT_NAME.test(name)) {
    out.push(
      issue(
        'DEFINITION_INVALID_NAME',
        at,
        `input name ${JSON.stringify(name)} breaks Genesys' pattern ^[A-Za-z][A-Za-z0-9_-]*$`,
        'start with a letter; use letters, digits, "_" and "-"',
      ),
    );
  }
  if (RESERVED_INPUT_NAMES.has(name)) {
    out.push(
      issue('DEFINITION_RESERVED_NAME', at, `input name "${name}" is reserved by Genesys Cloud`),
    );
  }
  out.push(...inputTypeIssues(at, schema));
  return out;
}

function dataActionInputIssues(schema: JsonSchema): DefinitionIssue[] {
  const props = schema['properties'];
  if (!isPlainObject(props)) return [];
  const out = Object.entries(props).flatMap(([name, sub]) => inputPropertyIssues(name, sub));
  const count = Object.keys(props).length;
  if (count > GUIDE_INPUT_LIMIT) {
    out.push(
      warning(
        'DEFINITION_TOO_MANY_GUIDE_INPUTS',
        '/input/properties',
        `${count} inputs; an AI Guide can use only the first ${GUIDE_INPUT_LIMIT} inputs of a data action`,
      ),
    );
  }
  return out;
}

function isArraySchema(node: unknown): boolean {
  return isPlainObject(node) && (typesOf(node)?.includes('array') ?? false);
}

function dataActionOutputIssues(schema: JsonSchema): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  if (schema['type'] !== 'object') {
    out.push(
      issue(
        'DEFINITION_INVALID',
        '/output/type',
        'a data-action output contract must be an object at the top level',
        'wrap the output in an object property',
      ),
    );
  }
  for (const { node, pointer } of schemaNodes(schema, '/output')) {
    if (!isArraySchema(node)) continue;
    const items = node['items'];
    if (isArraySchema(items)) {
      out.push(
        issue('DEFINITION_NESTED_ARRAY', `${pointer}/items`, 'an array of arrays is not allowed'),
      );
    }
  }
  return out;
}

function draft04Warnings(schema: JsonSchema, base: string): DefinitionIssue[] {
  return schemaNodes(schema, base).flatMap(({ node, pointer }) =>
    NOT_DRAFT_04.filter((k) => k in node).map((k) =>
      warning(
        'DEFINITION_NOT_DRAFT_04',
        `${pointer}/${pointerToken(k)}`,
        `"${k}" has no draft-04 equivalent; Genesys contracts are draft-04-style and will not enforce it`,
      ),
    ),
  );
}

function definitionIssues(tool: ToolDefinition): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  if (!TOOL_NAME_PATTERN.test(tool.name)) {
    out.push(
      issue(
        'DEFINITION_INVALID_NAME',
        '/name',
        `tool name ${JSON.stringify(tool.name)} breaks the pattern ^[A-Za-z][A-Za-z0-9_-]{0,63}$`,
      ),
    );
  }
  if (tool.description.length > MAX_DESCRIPTION) {
    out.push(
      issue(
        'DEFINITION_DESCRIPTION_TOO_LONG',
        '/description',
        `description has ${tool.description.length} characters; at most ${MAX_DESCRIPTION} are allowed`,
      ),
    );
  }
  return out;
}

/**
 * Checks a tool against the capability matrix and the target's profile, returning every problem
 * (errors and warnings). An empty list, or warnings only, means the target accepts the tool.
 */
export function validateTool(tool: ToolDefinition, target: TargetName): DefinitionIssue[] {
  return [
    ...definitionIssues(tool),
    ...checkCapabilities(tool.inputSchema, 'input'),
    ...(tool.outputSchema === undefined ? [] : checkCapabilities(tool.outputSchema, 'output')),
    ...profileIssues(tool, target),
  ];
}

/**
 * Only the target profile's rules, for a tool that already passed the capability matrix (every
 * tool `defineTool`/`buildTool` returned did).
 */
export function profileIssues(tool: ToolDefinition, target: TargetName): DefinitionIssue[] {
  switch (target) {
    case 'gateway':
      return [];
    case 'data-actions':
      return [
        ...dataActionInputIssues(tool.inputSchema),
        ...(tool.outputSchema === undefined ? [] : dataActionOutputIssues(tool.outputSchema)),
        ...draft04Warnings(tool.inputSchema, '/input'),
        ...(tool.outputSchema === undefined ? [] : draft04Warnings(tool.outputSchema, '/output')),
      ];
  }
}

/** True when the issues hold at least one error (warnings alone do not fail a tool). */
export function hasErrors(issues: readonly { readonly severity: 'error' | 'warning' }[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
