/**
 * Compiled JSON Schema validators, cached by the schema's JSON text. Ajv keeps every schema it
 * compiles keyed by object identity, and the emulator sees a new object per request; so each
 * emulator owns one Ajv and a bounded cache, and starts a fresh Ajv when the cache is full.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

/** Compiles (or reuses) a validator for a contract schema. */
export interface SchemaCompiler {
  /**
   * A validator for `schema` (draft-04 `$schema`/`id` markers are ignored).
   * @throws Error when the schema does not compile.
   */
  compile(schema: Readonly<Record<string, unknown>>): ValidateFunction;
}

/** Schema without the draft-04 markers Ajv 8 does not load (reference §7.3). Pure. */
export function withoutDialect(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema' && k !== 'id'));
}

/** Creates a compiler holding at most `maxEntries` validators. */
export function createSchemaCompiler(maxEntries = 256): SchemaCompiler {
  // ownProperties: an input named `valueOf` or `constructor` is not satisfied (nor type-checked)
  // through the prototype of the inputs object; only what the caller sent counts.
  const fresh = (): Ajv => new Ajv({ strict: false, allErrors: true, ownProperties: true });
  let ajv = fresh();
  const cache = new Map<string, ValidateFunction>();
  return {
    compile: (schema) => {
      const key = JSON.stringify(schema);
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      if (cache.size >= maxEntries) {
        cache.clear();
        ajv = fresh();
      }
      const validate = ajv.compile(withoutDialect(schema));
      cache.set(key, validate);
      return validate;
    },
  };
}
