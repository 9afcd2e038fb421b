/**
 * Reading the inputs of an execute body (reference §7.1): scalars only, nulls dropped, checked
 * against the action's input schema.
 */
import type { SchemaCompiler } from './schema-compiler.js';
import type { Inputs } from './velocity.js';
import { badRequest } from './wire.js';

/**
 * Inputs of an execute body: an object of scalars, with null values dropped (reference §7.1),
 * checked against the input schema.
 * @throws ApiFailure 400 bad.request naming each bad input.
 */
export function readInputs(
  body: unknown,
  inputSchema: Readonly<Record<string, unknown>>,
  schemas: SchemaCompiler,
): Inputs {
  const raw = body ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('The execute body must be a JSON object of inputs.', [
      { errorCode: 'INVALID_INPUT', fieldName: '(body)' },
    ]);
  }
  const inputs: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      inputs[key] = value;
    else
      throw badRequest(`Input ${key} must be a string, number or boolean.`, [
        { errorCode: 'INVALID_INPUT', fieldName: key },
      ]);
  }
  const validate = schemas.compile(inputSchema);
  if (!validate(inputs)) {
    const errors = validate.errors ?? [];
    const details = errors.map((e) => ({
      errorCode: 'INVALID_INPUT',
      fieldName:
        e.keyword === 'required' && typeof e.params['missingProperty'] === 'string'
          ? e.params['missingProperty']
          : e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)',
    }));
    const message = errors
      .map((e) => `${e.instancePath || 'input'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    throw badRequest(`The inputs do not match the action's input contract: ${message}`, details);
  }
  return inputs;
}
