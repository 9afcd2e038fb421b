import { describe, expect, it } from 'vitest';
import { createSchemaCompiler, withoutDialect } from '../../src/emulator/schema-compiler.js';

describe('schema compiler', () => {
  it('reuses the validator for an equal schema given as a new object', () => {
    const compiler = createSchemaCompiler();
    const a = compiler.compile({ type: 'object', properties: { n: { type: 'integer' } } });
    const b = compiler.compile({ type: 'object', properties: { n: { type: 'integer' } } });
    expect(b).toBe(a);
    expect(a({ n: 1 })).toBe(true);
    expect(a({ n: 'x' })).toBe(false);
  });

  it('keeps validating correctly after the cache is full and starts over', () => {
    const compiler = createSchemaCompiler(2);
    const schemas = [1, 2, 3, 4].map((max) => ({ type: 'integer', maximum: max }));
    const validators = schemas.map((s) => compiler.compile(s));
    expect(validators.map((v) => v(3))).toEqual([false, false, true, true]);
  });

  it('ignores draft-04 $schema and id markers', () => {
    expect(
      withoutDialect({
        $schema: 'http://json-schema.org/draft-04/schema#',
        id: 'x',
        type: 'object',
      }),
    ).toEqual({ type: 'object' });
    expect(() =>
      createSchemaCompiler().compile({
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
      }),
    ).not.toThrow();
  });
});
