/**
 * `defineTool()`: one entry point that turns any way of writing a tool into the canonical, frozen
 * `ToolDefinition` (DESIGN "Tool definition"), reporting every problem at once.
 */
import { z } from 'zod';
import { DefinitionError } from '../errors.js';
import type { DefinitionIssue } from './issues.js';
import { fromZodIssue, issue } from './issues.js';
import { POLICY_KEYS, PolicyShape } from './policy-schema.js';
import type { PlainToolInput, SchemaInput, ToolInput, ZodToolInput } from './tool-input.js';
import { zodHandler } from './zod-handler.js';
import { MAX_DESCRIPTION, checkCapabilities } from './capability-matrix.js';
import { endpointIssues } from './endpoint.js';
import { parameterMapSchema } from './parameter-map.js';
import {
  canonicaliseSchema,
  isPlainObject,
  isZodSchema,
  zodToJsonSchema,
} from './to-json-schema.js';
import type { JsonSchema, ToolDefinition, ToolHandler } from './types.js';

export type {
  HandlerResult,
  PlainToolInput,
  SchemaInput,
  ToolInput,
  ToolInputBase,
  ZodToolInput,
} from './tool-input.js';

/** Tool names (DESIGN "Tool definition"). */
export const TOOL_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Brand on every ToolDefinition; `Symbol.for` so a second copy of this module (tsx) agrees. */
export const TOOL_BRAND: unique symbol = Symbol.for('genesys-tools.tool-definition');

const DefinitionInputSchema = z.strictObject({
  name: z.string(),
  description: z.string().min(1),
  input: z.unknown().optional(),
  // Not z.record: it rebuilds the map by assignment and silently drops a `__proto__` parameter,
  // which must reach the capability matrix to be refused (issue 14 item 10).
  parameters: z
    .custom<Readonly<Record<string, unknown>>>(isPlainObject, {
      message: 'expected a map of parameter names to parameters',
    })
    .optional(),
  output: z.unknown().optional(),
  ...PolicyShape,
  handler: z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function').optional(),
  source: z.string().optional(),
  endpoint: z.string().optional(),
});

/** The outcome of building a tool: the definition, or every problem found. */
export type BuildResult =
  | { readonly ok: true; readonly tool: ToolDefinition }
  | { readonly ok: false; readonly issues: readonly DefinitionIssue[] };

function zodIssueToDefinitionIssue(i: z.core.$ZodIssue): DefinitionIssue[] {
  const first = i.path[0];
  const isPolicy = typeof first === 'string' && POLICY_KEYS.has(first);
  return fromZodIssue(i, isPolicy ? 'DEFINITION_INVALID_POLICY' : 'DEFINITION_INVALID');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function schemaFrom(
  value: unknown,
  role: 'input' | 'output',
): { schema: JsonSchema } | { issues: DefinitionIssue[] } {
  if (isZodSchema(value)) {
    try {
      return { schema: canonicaliseSchema(zodToJsonSchema(value, role)) };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        issues: [
          issue(
            'DEFINITION_UNSUPPORTED_TYPE',
            `/${role}`,
            `the zod schema cannot be expressed as JSON Schema: ${why}`,
            'use JSON-representable zod types (a date is z.iso.date(), not z.date())',
          ),
        ],
      };
    }
  }
  if (isPlainObject(value)) return { schema: canonicaliseSchema(value) };
  return {
    issues: [
      issue('DEFINITION_INVALID', `/${role}`, `expected a zod schema or a JSON Schema object`),
    ],
  };
}

function inputSchemaOf(
  data: z.output<typeof DefinitionInputSchema>,
): { schema: JsonSchema } | { issues: DefinitionIssue[] } {
  if (data.input !== undefined && data.parameters !== undefined) {
    return {
      issues: [
        issue(
          'DEFINITION_INVALID',
          '/parameters',
          'give either "input" or "parameters", not both',
          'keep one of the two',
        ),
      ],
    };
  }
  if (data.input !== undefined) return schemaFrom(data.input, 'input');
  return parameterMapSchema(data.parameters ?? {});
}

type DefinitionData = z.output<typeof DefinitionInputSchema>;

/**
 * Parses the definition fields. When some are bad, parses again without them so that the rest
 * (schemas, other policies) are still checked: every problem is reported, not only the first.
 */
function parseDefinition(input: unknown): {
  data: DefinitionData | undefined;
  issues: DefinitionIssue[];
  badKeys: ReadonlySet<string>;
} {
  const first = DefinitionInputSchema.safeParse(input);
  if (first.success) return { data: first.data, issues: [], badKeys: new Set() };
  const issues = first.error.issues.flatMap(zodIssueToDefinitionIssue);
  if (!isPlainObject(input)) return { data: undefined, issues, badKeys: new Set() };
  const badKeys = new Set(
    first.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : [String(i.path[0])],
    ),
  );
  const salvage = Object.fromEntries(Object.entries(input).filter(([k]) => !badKeys.has(k)));
  const second = DefinitionInputSchema.safeParse({ name: 'unnamed', description: '-', ...salvage });
  return { data: second.success ? second.data : undefined, issues, badKeys };
}

function nameIssues(data: DefinitionData, badKeys: ReadonlySet<string>): DefinitionIssue[] {
  const { name, description } = data;
  const out: DefinitionIssue[] = [];
  if (!badKeys.has('name') && !TOOL_NAME_PATTERN.test(name)) {
    out.push(
      issue(
        'DEFINITION_INVALID_NAME',
        '/name',
        `tool name ${JSON.stringify(name)} breaks the pattern ^[A-Za-z][A-Za-z0-9_-]{0,63}$`,
        'start with a letter; use letters, digits, "_" and "-"; at most 64 characters',
      ),
    );
  }
  if (!badKeys.has('description') && description.length > MAX_DESCRIPTION) {
    out.push(
      issue(
        'DEFINITION_DESCRIPTION_TOO_LONG',
        '/description',
        `description has ${description.length} characters; at most ${MAX_DESCRIPTION} are allowed`,
      ),
    );
  }
  return out;
}

/**
 * Builds a tool without throwing: the canonical frozen definition, or every problem found
 * (definition fields, policies, schema building and the capability matrix).
 */
export function buildTool(input: unknown): BuildResult {
  const parsed = parseDefinition(input);
  if (parsed.data === undefined) return { ok: false, issues: parsed.issues };
  const { data, badKeys } = parsed;
  const issues: DefinitionIssue[] = [
    ...parsed.issues,
    ...nameIssues(data, badKeys),
    ...endpointIssues(data.endpoint, data.handler !== undefined),
  ];
  const inputSchema = inputSchemaOf(data);
  const outputSchema = data.output === undefined ? undefined : schemaFrom(data.output, 'output');
  if ('issues' in inputSchema) issues.push(...inputSchema.issues);
  else issues.push(...checkCapabilities(inputSchema.schema, 'input'));
  if (outputSchema !== undefined) {
    if ('issues' in outputSchema) issues.push(...outputSchema.issues);
    else issues.push(...checkCapabilities(outputSchema.schema, 'output'));
  }
  if (
    issues.length > 0 ||
    'issues' in inputSchema ||
    (outputSchema !== undefined && 'issues' in outputSchema)
  ) {
    return { ok: false, issues };
  }
  const handler =
    data.handler === undefined
      ? undefined
      : isZodSchema(data.input)
        ? zodHandler(data.input, data.handler)
        : // Plain schemas: the server validates the parameters against inputSchema first.
          (data.handler as ToolHandler);
  const tool: ToolDefinition = {
    name: data.name,
    description: data.description,
    inputSchema: inputSchema.schema,
    ...(outputSchema === undefined ? {} : { outputSchema: outputSchema.schema }),
    rateLimit: data.rateLimit,
    timeoutMs: data.timeoutMs,
    retries: data.retries,
    concurrency: data.concurrency,
    circuitBreaker: data.circuitBreaker,
    ...(handler === undefined ? {} : { handler }),
    ...(data.source === undefined ? {} : { source: data.source }),
    ...(data.endpoint === undefined ? {} : { endpoint: data.endpoint }),
  };
  Object.defineProperty(tool, TOOL_BRAND, { value: true, enumerable: false });
  return { ok: true, tool: deepFreeze(tool) };
}

/** The message of a DefinitionError that lists several issues. */
export function summariseIssues(name: string, issues: readonly DefinitionIssue[]): string {
  const lines = issues.map((i) => `${i.pointer || '/'}: ${i.message}; ${i.hint}`);
  return `tool ${JSON.stringify(name)} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`;
}

/**
 * Builds the canonical frozen ToolDefinition from any way of writing a tool (zod object, JSON
 * Schema object or the simple parameter map). With a zod input, the handler's parameters are typed
 * and parsed by it.
 * @throws DefinitionError with the first problem's code and pointer; `details.issues` lists ALL
 *   problems (DEFINITION_INVALID, DEFINITION_INVALID_NAME, DEFINITION_INVALID_POLICY,
 *   DEFINITION_UNKNOWN_FIELD, DEFINITION_UNSUPPORTED_TYPE, DEFINITION_TOO_MANY_PARAMETERS,
 *   DEFINITION_DESCRIPTION_TOO_LONG, DEFINITION_REF_NOT_ALLOWED, DEFINITION_DEPRECATED_KEYWORD,
 *   DEFINITION_SCHEMA_INVALID, DEFINITION_UNSAFE_PATTERN, DEFINITION_RESERVED_NAME for a parameter
 *   named after an Object.prototype member, DEFINITION_INPUT_TYPE_LIST for a type list in the
 *   parameter map, DEFINITION_INVALID_ENDPOINT for a bad `endpoint` or one beside a handler).
 */
export function defineTool<
  S extends z.ZodType<Record<string, unknown>>,
  O extends SchemaInput = SchemaInput,
>(input: ZodToolInput<S, O>): ToolDefinition;
export function defineTool<O extends SchemaInput = SchemaInput>(
  input: PlainToolInput<O>,
): ToolDefinition;
export function defineTool(input: ToolInput): ToolDefinition {
  const result = buildTool(input);
  if (result.ok) return result.tool;
  const first = result.issues[0];
  const name = isPlainObject(input) && typeof input['name'] === 'string' ? input['name'] : '?';
  throw new DefinitionError(
    first?.code ?? 'DEFINITION_INVALID',
    summariseIssues(name, result.issues),
    {
      pointer: first?.pointer ?? '',
      details: { tool: name, issues: result.issues },
    },
  );
}

/** The same tool with `source` set (a new frozen, branded object; compiled validators are per object). */
export function withSource(tool: ToolDefinition, source: string): ToolDefinition {
  const copy: ToolDefinition = { ...tool, source };
  Object.defineProperty(copy, TOOL_BRAND, { value: true, enumerable: false });
  return Object.freeze(copy);
}

/** True for a ToolDefinition made by `defineTool`/`buildTool`, also by a second copy of this module. */
export function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' && value !== null && TOOL_BRAND in value && value[TOOL_BRAND] === true
  );
}
