/**
 * Compiled validators for the execution server: Ajv 2020, compiled once per tool and cached in a
 * WeakMap keyed by the (frozen) ToolDefinition, so a reloaded tool gets a fresh one and the old
 * one is collected with it.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajv } from './ajv.js';
import { pointerToken } from './issues.js';
import type { JsonSchema, ToolDefinition } from './types.js';

/** One reason a value fails its schema. */
export interface ParameterIssue {
  /** JSON pointer of the bad value (`/sku`; '' for the root). */
  readonly path: string;
  readonly message: string;
}

/** The outcome of a validation. */
export type ValidationResult =
  { readonly ok: true } | { readonly ok: false; readonly issues: readonly ParameterIssue[] };

/** A compiled validator. */
export type CompiledValidator = (value: unknown) => ValidationResult;

const OK: ValidationResult = Object.freeze({ ok: true });

/** A readable issue from one Ajv error: missing and extra properties point at the property. */
export function toParameterIssue(error: ErrorObject): ParameterIssue {
  const params: Record<string, unknown> = error.params;
  const missing = params['missingProperty'];
  if (error.keyword === 'required' && typeof missing === 'string') {
    return { path: `${error.instancePath}/${pointerToken(missing)}`, message: 'is required' };
  }
  const extra = params['additionalProperty'];
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    return {
      path: `${error.instancePath}/${pointerToken(extra)}`,
      message: 'is not an accepted parameter',
    };
  }
  const allowed = params['allowedValues'];
  if (error.keyword === 'enum' && Array.isArray(allowed)) {
    return {
      path: error.instancePath,
      message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { path: error.instancePath, message: error.message ?? `fails "${error.keyword}"` };
}

function wrap(validate: ValidateFunction): CompiledValidator {
  return (value) => {
    if (validate(value)) return OK;
    return { ok: false, issues: (validate.errors ?? []).map(toParameterIssue) };
  };
}

const parameterValidators = new WeakMap<ToolDefinition, CompiledValidator>();
const outputValidators = new WeakMap<ToolDefinition, CompiledValidator>();

function cached(
  cache: WeakMap<ToolDefinition, CompiledValidator>,
  tool: ToolDefinition,
  schema: JsonSchema,
): CompiledValidator {
  const hit = cache.get(tool);
  if (hit !== undefined) return hit;
  const validator = wrap(ajv.compile(schema));
  cache.set(tool, validator);
  return validator;
}

/**
 * The compiled Ajv 2020 validator of the tool's parameters, cached per tool. A failure lists every
 * bad path (`/sku is required`, `/quantity must be <= 100`).
 */
export function compileParametersValidator(tool: ToolDefinition): CompiledValidator {
  return cached(parameterValidators, tool, tool.inputSchema);
}

/** The compiled validator of the tool's output schema; undefined when the tool declares none. */
export function compileOutputValidator(tool: ToolDefinition): CompiledValidator | undefined {
  if (tool.outputSchema === undefined) return undefined;
  return cached(outputValidators, tool, tool.outputSchema);
}
