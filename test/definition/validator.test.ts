import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compileOutputValidator,
  compileParametersValidator,
  defineTool,
} from '../../src/definition/index.js';

const tool = defineTool({
  name: 'order_status',
  description: 'Looks up an order',
  parameters: {
    order_id: { type: 'string', required: true },
    quantity: { type: 'integer', minimum: 1, maximum: 100 },
    channel: { type: 'string', enum: ['web', 'phone'] },
    placed_on: { type: 'string', format: 'date' },
  },
  output: z.object({ status: z.string() }),
});

describe('compileParametersValidator', () => {
  const validate = compileParametersValidator(tool);

  it.each([
    ['all parameters', { order_id: 'A1', quantity: 3, channel: 'web', placed_on: '2026-01-31' }],
    ['only the required one', { order_id: 'A1' }],
  ])('accepts %s', (_label, value) => {
    expect(validate(value)).toEqual({ ok: true });
  });

  it.each([
    ['a missing required parameter', {}, [{ path: '/order_id', message: 'is required' }]],
    [
      'an unknown parameter',
      { order_id: 'A', extra: 1 },
      [{ path: '/extra', message: 'is not an accepted parameter' }],
    ],
    [
      'a value above the maximum',
      { order_id: 'A', quantity: 101 },
      [{ path: '/quantity', message: 'must be <= 100' }],
    ],
    [
      'a fractional integer',
      { order_id: 'A', quantity: 1.5 },
      [{ path: '/quantity', message: 'must be integer' }],
    ],
    [
      'a value outside the enum',
      { order_id: 'A', channel: 'fax' },
      [{ path: '/channel', message: 'must be one of "web", "phone"' }],
    ],
    [
      'a bad date',
      { order_id: 'A', placed_on: '31/01/2026' },
      [{ path: '/placed_on', message: 'must match format "date"' }],
    ],
    ['a non-object', 'A1', [{ path: '', message: 'must be object' }]],
  ])('refuses %s, naming the path', (_label, value, issues) => {
    expect(validate(value)).toEqual({ ok: false, issues });
  });

  it('lists every bad path at once', () => {
    const result = validate({ quantity: 0, channel: 'fax' });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths.sort()).toEqual(['/channel', '/order_id', '/quantity']);
  });

  it('is compiled once per tool', () => {
    expect(compileParametersValidator(tool)).toBe(validate);
  });
});

describe('compileOutputValidator', () => {
  it('validates the declared output schema', () => {
    const validate = compileOutputValidator(tool);
    expect(validate?.({ status: 'shipped' })).toEqual({ ok: true });
    expect(validate?.({ status: 3 })).toEqual({
      ok: false,
      issues: [{ path: '/status', message: 'must be string' }],
    });
  });

  it('is undefined for a tool without an output schema', () => {
    expect(compileOutputValidator(defineTool({ name: 'a', description: 'd' }))).toBeUndefined();
  });
});

describe('compileParametersValidator on any tool defineTool accepted', () => {
  it('compiles schemas with unknown formats and patterns, and applies the pattern', () => {
    const tool = defineTool({
      name: 'patterned',
      description: 'd',
      parameters: {
        code: { type: 'string', pattern: '^[A-Z]{3}$', required: true },
        phone: { type: 'string', format: 'phone' },
      },
    });
    const validate = compileParametersValidator(tool);
    expect(validate({ code: 'ABC', phone: 'anything' })).toEqual({ ok: true });
    expect(validate({ code: 'abc' })).toEqual({
      ok: false,
      issues: [{ path: '/code', message: 'must match pattern "^[A-Z]{3}$"' }],
    });
  });
});

describe('compileParametersValidator with object values in the schema', () => {
  it('matches an object-valued const and enum against a parsed JSON body', () => {
    const tool = defineTool({
      name: 'objects',
      description: 'd',
      input: {
        type: 'object',
        properties: {
          o: { const: { a: 1 } },
          e: { enum: [{ b: [1, { c: 2 }] }, 'plain'] },
        },
      },
    });
    const validate = compileParametersValidator(tool);
    expect(validate(JSON.parse('{"o":{"a":1},"e":{"b":[1,{"c":2}]}}'))).toEqual({ ok: true });
    expect(validate({ o: { a: 2 } }).ok).toBe(false);
  });
});

describe('compileParametersValidator with schema ids', () => {
  it('compiles two tools whose schemas carry the same $id', () => {
    const input = {
      $id: 'https://example.com/params',
      type: 'object',
      properties: { a: { type: 'string' } },
    };
    const one = defineTool({ name: 'one', description: 'd', input });
    const two = defineTool({ name: 'two', description: 'd', input });
    expect(compileParametersValidator(one)({ a: 'x' })).toEqual({ ok: true });
    expect(compileParametersValidator(two)({ a: 1 }).ok).toBe(false);
  });
});
