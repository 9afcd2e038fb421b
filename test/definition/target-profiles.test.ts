import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonSchema, TargetName } from '../../src/definition/index.js';
import { defineTool, validateTool } from '../../src/definition/index.js';
import { OPTIONAL_INPUT_FIX } from '../../src/definition/input-types.js';

function check(
  target: TargetName,
  input: JsonSchema,
  output?: JsonSchema,
): (readonly [string, string, string])[] {
  const tool = defineTool({
    name: 'tool',
    description: 'A tool',
    input,
    ...(output === undefined ? {} : { output }),
  });
  return validateTool(tool, target).map((i) => [i.code, i.pointer, i.severity] as const);
}

const obj = (properties: Record<string, unknown>): JsonSchema => ({ type: 'object', properties });
const five = obj({
  a: { type: 'string' },
  b: { type: 'string' },
  c: { type: 'string' },
  d: { type: 'string' },
  e: { type: 'string' },
});

describe('validateTool: the data-actions profile', () => {
  it.each([
    [
      'flat primitive inputs',
      obj({
        s: { type: 'string' },
        i: { type: 'integer' },
        n: { type: 'number' },
        b: { type: 'boolean' },
      }),
      undefined,
      [],
    ],
    [
      'a nested object input',
      obj({ address: { type: 'object' } }),
      undefined,
      [['DEFINITION_NESTED_INPUT', '/input/properties/address/type', 'error']],
    ],
    [
      'an array input',
      obj({ tags: { type: 'array', items: { type: 'string' } } }),
      undefined,
      [['DEFINITION_NESTED_INPUT', '/input/properties/tags/type', 'error']],
    ],
    [
      'a nullable input (a type list with null)',
      obj({ sku: { type: ['string', 'null'] } }),
      undefined,
      [['DEFINITION_INPUT_TYPE_LIST', '/input/properties/sku/type', 'error']],
    ],
    [
      'an input with two types',
      obj({ qty: { type: ['string', 'integer'] } }),
      undefined,
      [['DEFINITION_INPUT_TYPE_LIST', '/input/properties/qty/type', 'error']],
    ],
    [
      'a one-element type list',
      obj({ sku: { type: ['string'] } }),
      undefined,
      [['DEFINITION_INPUT_TYPE_LIST', '/input/properties/sku/type', 'error']],
    ],
    [
      'a null input',
      obj({ nothing: { type: 'null' } }),
      undefined,
      [['DEFINITION_UNSUPPORTED_TYPE', '/input/properties/nothing/type', 'error']],
    ],
    [
      'an anyOf with a null branch',
      obj({ size: { anyOf: [{ type: 'string', enum: ['S', 'M'] }, { type: 'null' }] } }),
      undefined,
      [['DEFINITION_INPUT_TYPE_LIST', '/input/properties/size/anyOf', 'error']],
    ],
    [
      'an input without a type',
      obj({ any: { description: 'x' } }),
      undefined,
      [['DEFINITION_UNSUPPORTED_TYPE', '/input/properties/any/type', 'error']],
    ],
    ['a name Genesys accepts', obj({ 'order-id_2': { type: 'string' } }), undefined, []],
    [
      'a name starting with a digit',
      obj({ '2nd': { type: 'string' } }),
      undefined,
      [['DEFINITION_INVALID_NAME', '/input/properties/2nd', 'error']],
    ],
    [
      'a name with a dot',
      obj({ 'a.b': { type: 'string' } }),
      undefined,
      [['DEFINITION_INVALID_NAME', '/input/properties/a.b', 'error']],
    ],
    [
      'the reserved name orgId',
      obj({ orgId: { type: 'string' } }),
      undefined,
      [['DEFINITION_RESERVED_NAME', '/input/properties/orgId', 'error']],
    ],
    [
      'the reserved name integrationId',
      obj({ integrationId: { type: 'string' } }),
      undefined,
      [['DEFINITION_RESERVED_NAME', '/input/properties/integrationId', 'error']],
    ],
    [
      'the reserved name rawRequest',
      obj({ rawRequest: { type: 'string' } }),
      undefined,
      [['DEFINITION_RESERVED_NAME', '/input/properties/rawRequest', 'error']],
    ],
    [
      '5 inputs (warning only)',
      five,
      undefined,
      [['DEFINITION_TOO_MANY_GUIDE_INPUTS', '/input/properties', 'warning']],
    ],
    [
      'an output array of objects',
      obj({}),
      obj({ rows: { type: 'array', items: obj({ a: { type: 'string' } }) } }),
      [],
    ],
    [
      'an output array of arrays',
      obj({}),
      obj({ grid: { type: 'array', items: { type: 'array', items: { type: 'number' } } } }),
      [['DEFINITION_NESTED_ARRAY', '/output/properties/grid/items', 'error']],
    ],
    [
      'an output that is not an object',
      obj({}),
      { type: 'string' },
      [['DEFINITION_INVALID', '/output/type', 'error']],
    ],
    [
      'a keyword without a draft-04 form',
      obj({ kind: { type: 'string', const: 'x' } }),
      undefined,
      [['DEFINITION_NOT_DRAFT_04', '/input/properties/kind/const', 'warning']],
    ],
  ])('checks %s', (_label, input, output, expected) => {
    expect(check('data-actions', input, output)).toEqual(expected);
  });
});

describe('validateTool: nullable and optional zod inputs under data-actions', () => {
  function issuesOfZod(shape: z.ZodRawShape): ReturnType<typeof validateTool> {
    const tool = defineTool({ name: 'tool', description: 'A tool', input: z.object(shape) });
    return validateTool(tool, 'data-actions');
  }

  it.each([
    ['.optional()', z.string().optional()],
    ['.optional() of an enum', z.enum(['S', 'M']).optional()],
    ['.optional() of an integer', z.int().min(1).optional()],
    ['.default()', z.boolean().default(false)],
  ])('accepts a plain %s input (an input that is not required)', (_label, schema) => {
    expect(issuesOfZod({ sku: schema })).toEqual([]);
  });

  it.each([
    ['.nullable()', z.string().nullable(), '/input/properties/sku/type'],
    ['.nullish()', z.string().nullish(), '/input/properties/sku/type'],
    ['.nullable().optional()', z.string().nullable().optional(), '/input/properties/sku/type'],
    ['.nullable() of an enum', z.enum(['S', 'M']).nullable(), '/input/properties/sku/anyOf'],
    ['.nullable() of an integer', z.int().nullable(), '/input/properties/sku/anyOf'],
  ])('refuses a %s input and says an optional input is "not required"', (_l, schema, at) => {
    expect(issuesOfZod({ sku: schema })).toEqual([
      {
        code: 'DEFINITION_INPUT_TYPE_LIST',
        pointer: at,
        message: expect.stringContaining('Genesys accepts exactly one type per input') as string,
        hint: OPTIONAL_INPUT_FIX,
        severity: 'error',
      },
    ]);
    expect(OPTIONAL_INPUT_FIX).toContain('.optional() instead of .nullable()');
    expect(OPTIONAL_INPUT_FIX).toContain('leave the input out of "required"');
  });

  it('keeps the guide limit a warning beside a nullable input', () => {
    const issues = issuesOfZod({
      a: z.string(),
      b: z.string(),
      c: z.string(),
      d: z.string(),
      e: z.string().nullable(),
    });
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ['DEFINITION_INPUT_TYPE_LIST', 'error'],
      ['DEFINITION_TOO_MANY_GUIDE_INPUTS', 'warning'],
    ]);
  });
});

describe('validateTool: the gateway profile', () => {
  it.each([
    ['a nullable input', obj({ sku: { type: ['string', 'null'] } })],
    ['a nested object input', obj({ address: obj({ city: { type: 'string' } }) })],
    ['an array input', obj({ tags: { type: 'array', items: { type: 'string' } } })],
    ['the name orgId', obj({ orgId: { type: 'string' } })],
    ['5 inputs', five],
  ])('accepts %s', (_label, input) => {
    expect(check('gateway', input)).toEqual([]);
  });
});
