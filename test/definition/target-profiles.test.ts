import { describe, expect, it } from 'vitest';
import type { JsonSchema, TargetName } from '../../src/definition/index.js';
import { defineTool, validateTool } from '../../src/definition/index.js';

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

describe('validateTool: the gateway profile', () => {
  it.each([
    ['a nested object input', obj({ address: obj({ city: { type: 'string' } }) })],
    ['an array input', obj({ tags: { type: 'array', items: { type: 'string' } } })],
    ['the name orgId', obj({ orgId: { type: 'string' } })],
    ['5 inputs', five],
  ])('accepts %s', (_label, input) => {
    expect(check('gateway', input)).toEqual([]);
  });
});
