/**
 * Schema building: a zod v4 schema, a plain JSON Schema object or the simple parameter map all
 * become one canonical JSON Schema 2020-12 document (DESIGN "Tool definition").
 *
 * Canonicalisation decisions (so that the three styles are byte-identical):
 * - `$schema` is set to draft 2020-12 on the root and removed from sub-schemas.
 * - Objects are CLOSED: every object schema gets `additionalProperties: false` unless it is
 *   explicitly opened (`additionalProperties: true` or a schema). zod's `z.object()` closes objects
 *   in output mode and says nothing in input mode, a hand-written schema usually says nothing:
 *   closing by default makes the three agree, and it is what a tool wants (an LLM that invents a
 *   parameter gets INVALID_PARAMETERS instead of silently ignored input). `additionalProperties: {}`
 *   (zod's `looseObject`) is written as `true`.
 * - zod adds `minimum: -(2^53-1)` / `maximum: 2^53-1` to `.int()`; bounds equal to
 *   ±Number.MAX_SAFE_INTEGER are dropped (a hand-written integer has none).
 * - Keys follow a fixed keyword order (KEY_ORDER, then the rest alphabetically); property maps keep
 *   the author's order; `required` follows the order of `properties`.
 * - `undefined` values are dropped (JSON has none).
 * - No object is built by assignment (`out[key] = v`), which calls the `__proto__` setter and
 *   silently drops a property of that name (issue 14 item 10): scratch objects have a null
 *   prototype (`jsonRecord()`), results are made with `Object.fromEntries`, which defines own
 *   properties. Results keep the ordinary prototype on purpose: a null-prototype object is not
 *   equal to a parsed JSON object for constructor-checking comparisons such as fast-deep-equal,
 *   which Ajv uses for `const` and `enum` (an object-valued `const` would never match).
 */
import { z } from 'zod';
import type { JsonSchema } from './types.js';
import { JSON_SCHEMA_2020_12 } from './types.js';

const KEY_ORDER = [
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'format',
  'const',
  'enum',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'prefixItems',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
] as const;

const KEY_RANK = new Map<string, number>(KEY_ORDER.map((k, i) => [k, i]));

/** Keywords whose value is a map of name -> schema (order kept as written). */
export const SCHEMA_MAPS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
/** Keywords whose value is one schema. */
export const SCHEMA_VALUES: ReadonlySet<string> = new Set([
  'items',
  'additionalProperties',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
/** Keywords whose value is a list of schemas. */
export const SCHEMA_LISTS: ReadonlySet<string> = new Set([
  'allOf',
  'anyOf',
  'oneOf',
  'prefixItems',
]);

function compareKeys(a: string, b: string): number {
  const ra = KEY_RANK.get(a) ?? KEY_ORDER.length;
  const rb = KEY_RANK.get(b) ?? KEY_ORDER.length;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An empty scratch object with a null prototype, for keys an author chooses: assigning
 * `__proto__` to it makes a property, and it inherits no `toString` or `constructor`. Internal:
 * results are made with `Object.fromEntries` (see the file comment).
 */
export function jsonRecord(): Record<string, unknown> {
  // Object.create is typed `any`; a null-prototype object is exactly an empty record.
  return Object.create(null) as Record<string, unknown>;
}

/** Deep copy of JSON data, dropping `undefined` members and keeping key order. */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, cloneJson(v)]])),
    );
  }
  return value;
}

function isObjectSchema(schema: Record<string, unknown>): boolean {
  const t = schema['type'];
  return (
    t === 'object' ||
    (Array.isArray(t) && t.includes('object')) ||
    (t === undefined && isPlainObject(schema['properties']))
  );
}

function canonicalNode(node: unknown, root: boolean): unknown {
  if (!isPlainObject(node)) return node;
  const src = Object.assign(jsonRecord(), node);
  if (!root) delete src['$schema'];
  const isSafeBound = (v: unknown): boolean =>
    v === Number.MAX_SAFE_INTEGER || v === Number.MIN_SAFE_INTEGER;
  if (isSafeBound(src['minimum'])) delete src['minimum'];
  if (isSafeBound(src['maximum'])) delete src['maximum'];
  if (isObjectSchema(src)) {
    const ap = src['additionalProperties'];
    if (ap === undefined) src['additionalProperties'] = false;
    else if (isPlainObject(ap) && Object.keys(ap).length === 0) src['additionalProperties'] = true;
  }
  const props = src['properties'];
  if (Array.isArray(src['required']) && isPlainObject(props)) {
    const names = Object.keys(props);
    const required = src['required'].filter((r): r is string => typeof r === 'string');
    const inOrder = names.filter((n) => required.includes(n));
    const rest = required.filter((r) => !names.includes(r));
    src['required'] = [...new Set([...inOrder, ...rest])];
  }
  return Object.fromEntries(
    Object.keys(src)
      .sort(compareKeys)
      .map((key) => [key, canonicalValue(key, src[key])]),
  );
}

/** The canonical form of one keyword's value: sub-schemas are canonicalised, data is kept. */
function canonicalValue(key: string, v: unknown): unknown {
  if (SCHEMA_MAPS.has(key) && isPlainObject(v)) {
    return Object.fromEntries(
      Object.entries(v).map(([name, sub]) => [name, canonicalNode(sub, false)]),
    );
  }
  if (SCHEMA_LISTS.has(key) && Array.isArray(v)) return v.map((sub) => canonicalNode(sub, false));
  if (SCHEMA_VALUES.has(key)) return canonicalNode(v, false);
  return v;
}

/** Turns any JSON Schema object into its canonical 2020-12 form (see the file comment). Pure. */
export function canonicaliseSchema(schema: JsonSchema): JsonSchema {
  // A spread defines own properties, so an own `__proto__` of `schema` is copied, not dropped.
  const node = canonicalNode(cloneJson({ ...schema, $schema: JSON_SCHEMA_2020_12 }), true);
  return isPlainObject(node) ? node : {};
}

/** A zod schema, recognised by shape so that a second copy of zod is recognised too. */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && '~standard' in value;
}

/**
 * zod's own JSON Schema conversion: `io: 'input'` for parameters (what a caller sends: fields with
 * defaults are optional), `'output'` for a tool's output (what the handler returns).
 * @throws Error when the schema holds something JSON Schema cannot express (z.date(), z.bigint()...).
 */
export function zodToJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted: unknown = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'throw',
  });
  return isPlainObject(converted) ? converted : {};
}

/** One entry of the simple parameter map (DESIGN "Manifest"). */
export const ParameterSpecSchema = z.strictObject({
  // Any string: unsupported types ("date") are reported by the capability matrix with their fix.
  type: z.string(),
  description: z.string().optional(),
  required: z.boolean().default(false),
  enum: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .min(1)
    .optional(),
  format: z.string().optional(),
  pattern: z.string().optional(),
  minLength: z.int().min(0).optional(),
  maxLength: z.int().min(0).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.number().optional(),
  exclusiveMaximum: z.number().optional(),
  multipleOf: z.number().positive().optional(),
  minItems: z.int().min(0).optional(),
  maxItems: z.int().min(0).optional(),
  items: z.record(z.string(), z.unknown()).optional(),
  default: z.unknown().optional(),
});

/** A parameter of the simple map, as an author writes it. */
export type ParameterSpec = z.input<typeof ParameterSpecSchema>;

/** The simple parameter map `{ sku: { type: 'string', description, required: true } }`. */
export type ParameterMap = Readonly<Record<string, ParameterSpec>>;

/** Builds the (not yet canonical) object schema of a parsed parameter map. Pure. */
export function parameterMapToJsonSchema(
  map: Readonly<Record<string, z.output<typeof ParameterSpecSchema>>>,
): JsonSchema {
  const entries = Object.entries(map);
  const properties = Object.fromEntries(
    entries.map(([name, spec]) => [
      name,
      Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'required')),
    ]),
  );
  const required = entries.filter(([, spec]) => spec.required).map(([name]) => name);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}
