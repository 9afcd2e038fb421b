/**
 * The simple parameter map (DESIGN "Manifest"): `{ sku: { type: string, required: true } }`,
 * parsed entry by entry so that every bad entry is reported, then built into a JSON Schema.
 */
import type { z } from 'zod';
import { checkCapabilities } from './capability-matrix.js';
import { PARAMETER_MAP_TYPE_FIX } from './input-types.js';
import type { DefinitionIssue } from './issues.js';
import { fromZodIssue, issue, pointerToken } from './issues.js';
import {
  ParameterSpecSchema,
  canonicaliseSchema,
  isPlainObject,
  jsonRecord,
  parameterMapToJsonSchema,
} from './to-json-schema.js';
import type { JsonSchema } from './types.js';

type ParameterSpecOutput = z.output<typeof ParameterSpecSchema>;

/**
 * A parameter-map problem; a `type` list (`[string, "null"]`) is one type too many, and the fix
 * says how an optional parameter is written instead (reference §10.2).
 */
function parameterIssue(i: z.core.$ZodIssue, spec: unknown): DefinitionIssue[] {
  const type = isPlainObject(spec) ? spec['type'] : undefined;
  if (Array.isArray(type) && i.path.length === 1 && i.path[0] === 'type') {
    return [
      issue(
        'DEFINITION_INPUT_TYPE_LIST',
        '/type',
        `"type" is a list (${JSON.stringify(type)}); a parameter of the map has exactly one type`,
        PARAMETER_MAP_TYPE_FIX,
      ),
    ];
  }
  return fromZodIssue(i, 'DEFINITION_INVALID');
}

/** Parses one entry of the parameter map; on problems, retries without the bad fields. */
function parseParameter(spec: unknown): {
  spec: ParameterSpecOutput | undefined;
  issues: DefinitionIssue[];
} {
  const first = ParameterSpecSchema.safeParse(spec);
  if (first.success) return { spec: first.data, issues: [] };
  const issues = first.error.issues.flatMap((i) => parameterIssue(i, spec));
  if (!isPlainObject(spec)) return { spec: undefined, issues };
  const bad = new Set(
    first.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : [String(i.path[0])],
    ),
  );
  const second = ParameterSpecSchema.safeParse(
    Object.fromEntries(Object.entries(spec).filter(([k]) => !bad.has(k))),
  );
  return { spec: second.success ? second.data : undefined, issues };
}

/**
 * The canonical input schema of a parameter map, or every problem of its entries (pointers
 * `/parameters/<name>/...`) together with the capability findings of what could be read.
 */
export function parameterMapSchema(
  parameters: Readonly<Record<string, unknown>>,
): { schema: JsonSchema } | { issues: DefinitionIssue[] } {
  const issues: DefinitionIssue[] = [];
  // Null prototype: a parameter named `__proto__` stays a parameter (issue 14 item 10).
  const map = jsonRecord() as Record<string, ParameterSpecOutput>;
  for (const [name, spec] of Object.entries(parameters)) {
    const parsed = parseParameter(spec);
    issues.push(
      ...parsed.issues.map((i) => ({
        ...i,
        pointer: `/parameters/${pointerToken(name)}${i.pointer}`,
      })),
    );
    if (parsed.spec !== undefined) map[name] = parsed.spec;
  }
  const schema = canonicaliseSchema(parameterMapToJsonSchema(map));
  // Still check what could be read, so every problem shows up at once.
  if (issues.length > 0) return { issues: [...issues, ...checkCapabilities(schema, 'input')] };
  return { schema };
}
