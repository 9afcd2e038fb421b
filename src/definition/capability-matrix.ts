/**
 * The capability matrix (DESIGN "Tool definition"): rules every tool obeys whatever the target.
 * Pure: schema in, issues out.
 */
import type { DefinitionIssue } from './issues.js';
import { issue, pointerToken } from './issues.js';
import type { JsonSchema } from './types.js';
import { ajv } from './ajv.js';
import { SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUES, isPlainObject } from './to-json-schema.js';
import { prototypeNameIssues } from './prototype-names.js';
import { isUnsafePattern } from './safe-pattern.js';

/** Most top-level parameters a tool may have. */
export const MAX_PARAMETERS = 10;
/** Longest description, of the tool and of every schema node. */
export const MAX_DESCRIPTION = 255;

const ALLOWED_TYPES = new Set([
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
  'null',
]);
const DEPRECATED = ['additionalItems', 'dependencies', 'definitions'] as const;
const DEPRECATED_FIX: Record<(typeof DEPRECATED)[number], string> = {
  additionalItems: 'use "items" (with "prefixItems" for tuples) instead of "additionalItems"',
  dependencies: 'use "dependentRequired" or "dependentSchemas" instead of "dependencies"',
  definitions: 'inline the definitions ("$defs" and "$ref" are not supported either)',
};

/** A schema node and its JSON pointer. */
export interface SchemaNode {
  readonly node: Readonly<Record<string, unknown>>;
  readonly pointer: string;
}

/** Every schema node of a schema (the root first), following the schema-bearing keywords. */
export function schemaNodes(schema: unknown, pointer = ''): SchemaNode[] {
  if (!isPlainObject(schema)) return [];
  const out: SchemaNode[] = [{ node: schema, pointer }];
  for (const [key, value] of Object.entries(schema)) {
    const at = `${pointer}/${pointerToken(key)}`;
    if (SCHEMA_MAPS.has(key) && isPlainObject(value)) {
      for (const [name, sub] of Object.entries(value))
        out.push(...schemaNodes(sub, `${at}/${pointerToken(name)}`));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      value.forEach((sub, i) => out.push(...schemaNodes(sub, `${at}/${i}`)));
    } else if (SCHEMA_VALUES.has(key)) {
      out.push(...schemaNodes(value, at));
    }
  }
  return out;
}

/** The fix for a type name JSON Schema does not have. */
export function typeHint(type: string): string {
  const lower = type.toLowerCase();
  if (lower === 'date') return 'use string with format "date"';
  if (lower === 'datetime' || lower === 'date-time' || lower === 'timestamp')
    return 'use string with format "date-time"';
  if (lower === 'time') return 'use string with format "time"';
  if (lower === 'int' || lower === 'long') return 'use integer';
  if (lower === 'float' || lower === 'double' || lower === 'decimal') return 'use number';
  if (lower === 'bool') return 'use boolean';
  if (lower === 'list') return 'use array';
  if (lower === 'map' || lower === 'dict') return 'use object';
  return 'use one of string, number, integer, boolean, array, object';
}

function typeIssues({ node, pointer }: SchemaNode): DefinitionIssue[] {
  const t = node['type'];
  if (t === undefined) return [];
  const types = Array.isArray(t) ? t : [t];
  return types.flatMap((one, i) => {
    const at = Array.isArray(t) ? `${pointer}/type/${i}` : `${pointer}/type`;
    if (typeof one === 'string' && ALLOWED_TYPES.has(one)) return [];
    const shown = JSON.stringify(one);
    return [
      issue(
        'DEFINITION_UNSUPPORTED_TYPE',
        at,
        `${shown} is not allowed`,
        typeof one === 'string' ? typeHint(one) : undefined,
      ),
    ];
  });
}

function regexProblem(pattern: string): string | undefined {
  try {
    // Ajv compiles patterns with the "u" flag; a pattern it cannot compile would fail at run time.
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function patternIssues({ node, pointer }: SchemaNode): DefinitionIssue[] {
  const found: { at: string; pattern: string }[] = [];
  const pattern = node['pattern'];
  if (typeof pattern === 'string') found.push({ at: `${pointer}/pattern`, pattern });
  const patternProperties = node['patternProperties'];
  if (isPlainObject(patternProperties)) {
    for (const key of Object.keys(patternProperties)) {
      found.push({ at: `${pointer}/patternProperties/${pointerToken(key)}`, pattern: key });
    }
  }
  return found.flatMap(({ at, pattern: p }) => {
    const problem = regexProblem(p);
    if (problem !== undefined) {
      return [
        issue(
          'DEFINITION_SCHEMA_INVALID',
          at,
          `${JSON.stringify(p)} is not a valid regular expression: ${problem}`,
          'write an ECMAScript regular expression valid with the "u" flag',
        ),
      ];
    }
    if (!isUnsafePattern(p)) return [];
    return [
      issue(
        'DEFINITION_UNSAFE_PATTERN',
        at,
        `${JSON.stringify(p)} may backtrack catastrophically (safe-regex2: a quantifier inside a quantified group, over 25 quantifiers, or syntax it cannot read): one crafted value could stall the server`,
      ),
    ];
  });
}

function nodeIssues(entry: SchemaNode): DefinitionIssue[] {
  const { node, pointer } = entry;
  const out: DefinitionIssue[] = [...typeIssues(entry), ...patternIssues(entry)];
  const description = node['description'];
  if (typeof description === 'string' && description.length > MAX_DESCRIPTION) {
    out.push(
      issue(
        'DEFINITION_DESCRIPTION_TOO_LONG',
        `${pointer}/description`,
        `description has ${description.length} characters; at most ${MAX_DESCRIPTION} are allowed`,
      ),
    );
  }
  for (const ref of ['$ref', '$dynamicRef'] as const) {
    if (ref in node) {
      out.push(
        issue(
          'DEFINITION_REF_NOT_ALLOWED',
          `${pointer}/${pointerToken(ref)}`,
          `"${ref}" is not allowed`,
        ),
      );
    }
  }
  for (const keyword of DEPRECATED) {
    if (keyword in node) {
      out.push(
        issue(
          'DEFINITION_DEPRECATED_KEYWORD',
          `${pointer}/${keyword}`,
          `"${keyword}" is not a JSON Schema 2020-12 keyword`,
          DEPRECATED_FIX[keyword],
        ),
      );
    }
  }
  return out;
}

function isUnder(pointer: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => pointer === p || pointer.startsWith(`${p}/`));
}

/** Draft 2020-12 meta-schema findings, with pointers relative to the schema root. */
export function metaSchemaIssues(schema: JsonSchema): DefinitionIssue[] {
  if (ajv.validateSchema(schema) === true) return [];
  return (ajv.errors ?? []).map((e) =>
    issue(
      'DEFINITION_SCHEMA_INVALID',
      e.instancePath,
      `fails the JSON Schema 2020-12 meta-schema: ${e.message ?? e.keyword}`,
    ),
  );
}

/** Where a schema sits in the definition, and the rules that differ between input and output. */
export type SchemaRole = 'input' | 'output';

function prefixed(prefix: string, issues: readonly DefinitionIssue[]): DefinitionIssue[] {
  return issues.map((i) => ({ ...i, pointer: `${prefix}${i.pointer}` }));
}

/**
 * Checks one canonical schema against the capability matrix: types, description lengths, no
 * `$ref`, no deprecated keywords, valid patterns without catastrophic backtracking, at most 10
 * top-level parameters (input), an object at the root (input), no parameter named after an
 * Object.prototype member (input), and the draft 2020-12 meta-schema. Returns every problem; pointers start with `/input`
 * or `/output`. Meta-schema findings already explained by a more specific rule are left out.
 */
export function checkCapabilities(schema: JsonSchema, role: SchemaRole): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  if (role === 'input') {
    if (schema['type'] !== 'object') {
      out.push(
        issue(
          'DEFINITION_INVALID',
          '/type',
          'the parameters schema must be of type "object"',
          'describe the parameters as an object with properties',
        ),
      );
    }
    const props = schema['properties'];
    const count = isPlainObject(props) ? Object.keys(props).length : 0;
    if (count > MAX_PARAMETERS) {
      out.push(
        issue(
          'DEFINITION_TOO_MANY_PARAMETERS',
          '/properties',
          `${count} top-level parameters; at most ${MAX_PARAMETERS} are allowed`,
        ),
      );
    }
  }
  for (const entry of schemaNodes(schema)) {
    out.push(...nodeIssues(entry));
    if (role === 'input') out.push(...prototypeNameIssues(entry));
  }
  const explained = out.map((i) => i.pointer);
  const meta = metaSchemaIssues(schema).filter((i) => !isUnder(i.pointer, explained));
  return prefixed(`/${role}`, [...out, ...meta]);
}
