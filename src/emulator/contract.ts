/**
 * Genesys' data action contract rules (reference §7.3), as pure checks returning findings. The
 * routes turn findings into a 400 `bad.request` whose `details` name each field.
 */
import type { SchemaCompiler } from './schema-compiler.js';
import type { Contract } from './state.js';
import type { ErrorDetailWire } from './wire.js';
import { ApiFailure } from './wire.js';

/** One rule a contract breaks. */
export interface ContractFinding {
  /** Dotted field name from the action body (`contract.input.inputSchema.properties.sku.type`). */
  readonly field: string;
  readonly message: string;
}

// The platform's enum, in the order its validator prints it (reference §10.2).
const SIMPLE_TYPES = ['boolean', 'integer', 'null', 'number', 'string'];
const TYPE_SCHEMA_PATH =
  '@/properties/properties/patternProperties/^[a-zA-Z][a-zA-Z0-9_-]*$/properties/type';
const INPUT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const RESERVED_INPUTS = new Set(['orgId', 'integrationId', 'rawRequest']);
const SIMPLE_PREFIX =
  'Failed Validation of contract.input.inputSchema as a simple properties schema. Must be an Object with properties and no sub-objects.';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typesOf(schema: Record<string, unknown>): readonly unknown[] {
  const type = schema['type'];
  return Array.isArray(type) ? type : type === undefined ? [] : [type];
}

/** Paths (dotted) of every `$ref` inside `value`. */
export function findRefs(value: unknown, path: string): readonly string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findRefs(v, `${path}.${String(i)}`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === '$ref' ? [`${path}.$ref`] : findRefs(v, `${path}.${k}`),
  );
}

/** Checks the input schema: a flat object of primitive, well-named, non-reserved properties. */
export function checkInputSchema(schema: Record<string, unknown>): readonly ContractFinding[] {
  const base = 'contract.input.inputSchema';
  const findings: ContractFinding[] = [];
  const types = typesOf(schema);
  if (types.length !== 1 || types[0] !== 'object') {
    findings.push({ field: `${base}.type`, message: `${SIMPLE_PREFIX} /type: must be "object"` });
  }
  const properties = schema['properties'] ?? {};
  if (!isObject(properties)) {
    findings.push({
      field: `${base}.properties`,
      message: `${SIMPLE_PREFIX} /properties: must be an object`,
    });
    return findings;
  }
  for (const [name, property] of Object.entries(properties)) {
    const field = `${base}.properties.${name}`;
    if (!INPUT_NAME.test(name)) {
      findings.push({
        field,
        message: `${SIMPLE_PREFIX} /properties/${name}: property name does not match ^[a-zA-Z][a-zA-Z0-9_-]*$`,
      });
    }
    if (RESERVED_INPUTS.has(name)) {
      findings.push({
        field,
        message: `Input name "${name}" is reserved (orgId, integrationId, rawRequest).`,
      });
    }
    if (!isObject(property)) {
      findings.push({ field, message: `${SIMPLE_PREFIX} /properties/${name}: must be an object` });
      continue;
    }
    const typeFinding = checkPropertyType(name, property);
    if (typeFinding !== undefined) findings.push({ field: `${field}.type`, message: typeFinding });
  }
  return findings;
}

/**
 * The validator finding for one input property's `type`, or undefined when it is one of the five
 * strings. A list (`["string", "null"]`) is refused like any other value: the platform checks
 * `type` against an enum of single strings (reference §10.2), so the list is the instance value.
 */
export function checkPropertyType(
  name: string,
  property: Record<string, unknown>,
): string | undefined {
  const type = property['type'];
  if (typeof type === 'string' && SIMPLE_TYPES.includes(type)) return undefined;
  const where = `(schema path ${TYPE_SCHEMA_PATH}, instance /properties/${name}/type)`;
  if (type === undefined) {
    return `${SIMPLE_PREFIX} object has missing required properties (["type"]) ${where}`;
  }
  const possible = `[${SIMPLE_TYPES.map((t) => `"${t}"`).join(',')}]`;
  return `${SIMPLE_PREFIX} instance value (${JSON.stringify(type)}) not found in enum (possible values: ${possible}) ${where}`;
}

/** Checks the success schema: an object schema without arrays of arrays. */
export function checkSuccessSchema(schema: Record<string, unknown>): readonly ContractFinding[] {
  const base = 'contract.output.successSchema';
  const findings: ContractFinding[] = [];
  const types = typesOf(schema);
  if (types.length > 0 && !types.includes('object')) {
    findings.push({
      field: `${base}.type`,
      message: 'The success schema must describe an object.',
    });
  }
  const walk = (node: unknown, path: string, parentIsArray: boolean): void => {
    if (!isObject(node)) return;
    const isArray = typesOf(node).includes('array') || node['items'] !== undefined;
    if (isArray && parentIsArray) {
      findings.push({
        field: path,
        message: 'Arrays of arrays are not supported in an output contract.',
      });
    }
    if (isObject(node['properties'])) {
      for (const [name, child] of Object.entries(node['properties']))
        walk(child, `${path}.properties.${name}`, false);
    }
    if (node['items'] !== undefined) walk(node['items'], `${path}.items`, isArray);
  };
  walk(schema, base, false);
  return findings;
}

// Ajv only to see that the schemas compile at all (reference §7.3: draft-04 markers ignored).
function compileFindings(
  schemas: SchemaCompiler,
  schema: Record<string, unknown>,
  field: string,
): readonly ContractFinding[] {
  try {
    schemas.compile(schema);
    return [];
  } catch (error) {
    return [
      {
        field,
        message: `Not a valid JSON schema: ${error instanceof Error ? error.message : 'compile error'}`,
      },
    ];
  }
}

/** Every finding of a whole contract. Pure. */
export function checkContract(
  contract: Contract,
  schemas: SchemaCompiler,
): readonly ContractFinding[] {
  const input = contract.input.inputSchema;
  const output = contract.output.successSchema;
  const refs = [
    ...findRefs(input, 'contract.input.inputSchema'),
    ...findRefs(output, 'contract.output.successSchema'),
  ];
  return [
    ...refs.map((field) => ({ field, message: '$ref is not supported in data action contracts.' })),
    ...checkInputSchema(input),
    ...checkSuccessSchema(output),
    ...(refs.length > 0 ? [] : compileFindings(schemas, input, 'contract.input.inputSchema')),
    ...(refs.length > 0 ? [] : compileFindings(schemas, output, 'contract.output.successSchema')),
  ];
}

/** The 400 the platform answers for a contract with findings (reference §7.3 envelope). */
export function contractFailure(findings: readonly ContractFinding[]): ApiFailure {
  const details: ErrorDetailWire[] = findings.map((f) => ({
    errorCode: 'ACTION.PROCESSING',
    fieldName: f.field,
  }));
  return new ApiFailure(400, 'bad.request', findings.map((f) => f.message).join(' '), {
    details,
    errors: findings.map((f) => ({ message: f.message, code: 'INVALID_SCHEMA', status: 400 })),
  });
}
