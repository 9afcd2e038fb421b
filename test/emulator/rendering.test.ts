import { describe, expect, it } from 'vitest';
import { isIndefinitePath, mapResponse } from '../../src/emulator/mapping.js';
import { renderRequestTemplate, renderSuccessTemplate } from '../../src/emulator/velocity.js';

describe('renderRequestTemplate (reference §8.1)', () => {
  const inputs = { sku: 'A"1 /x', count: 3, flag: true };
  it.each([
    ['strings as plain text', '"${input.sku}"', '"A"1 /x"'],
    ['numbers and booleans as literals', '${input.count} ${input.flag}', '3 true'],
    ['rawRequest as the inputs JSON', '${input.rawRequest}', JSON.stringify(inputs)],
    [
      'the project envelope',
      '{"tool_name": "t", "parameters": ${input.rawRequest}}',
      `{"tool_name": "t", "parameters": ${JSON.stringify(inputs)}}`,
    ],
    ['$esc.jsonString inside a JSON string', '"$esc.jsonString(${input.sku})"', '"A\\"1 /x"'],
    ['$esc.url for URL parts', '/items/$esc.url($input.sku)', '/items/A%221%20%2Fx'],
    ['${esc.url(...)} braces form', '/items/${esc.url($input.sku)}', '/items/A%221%20%2Fx'],
    ['a missing value prints the reference', '${input.nothing}', '${input.nothing}'],
    ['a quiet reference prints nothing', '$!{input.nothing}', ''],
    ['credentials', 'Bearer ${credentials.token}', 'Bearer tok'],
    ['$encoding.base64', '$encoding.base64("u:p")', 'dTpw'],
  ])('renders %s', (_case, template, expected) => {
    expect(renderRequestTemplate(template, inputs, { token: 'tok' })).toBe(expected);
  });
});

describe('mapResponse (reference §8.2)', () => {
  const body = {
    a: { b: 1 },
    items: [
      { k: 'v', x: 1 },
      { k: 'w', x: 2 },
    ],
    n: null,
    s: 'text',
  };
  it.each([
    ['a definite path gives one value as JSON text', { v: '$.a.b' }, {}, { v: '1' }],
    ['a string keeps its quotes', { v: '$.s' }, {}, { v: '"text"' }],
    ['a wildcard gives an array', { v: '$.items[*].x' }, {}, { v: '[1,2]' }],
    [
      'a filter gives an array even for one match',
      { v: "$.items[?(@.k=='v')].x" },
      {},
      { v: '[1]' },
    ],
    ['a JSON null is kept, not defaulted', { v: '$.n' }, { v: '0' }, { v: 'null' }],
    [
      'a missing value uses the default as JSON text',
      { v: '$.missing' },
      { v: '"UNKNOWN"' },
      { v: '"UNKNOWN"' },
    ],
    ['an empty indefinite match uses the default', { v: '$..nothing' }, { v: '[0]' }, { v: '[0]' }],
  ])('%s', (_case, map, defaults, expected) => {
    expect(mapResponse(body, map, defaults)).toEqual({ ok: true, values: expected });
  });

  it('fails naming the key when a path finds nothing and has no default', () => {
    expect(mapResponse(body, { output: '$.output' }, {})).toMatchObject({
      ok: false,
      key: 'output',
      path: '$.output',
    });
  });

  it.each([
    ['$.a.b', false],
    ['$.a[0]', false],
    ['$.a[*].b', true],
    ['$..x', true],
    ["$.a[?(@.k=='v')]", true],
    ['$.a[0,1]', true],
    ['$.a[0:2]', true],
  ])('isIndefinitePath(%s) is %s', (path, expected) => {
    expect(isIndefinitePath(path)).toBe(expected);
  });
});

describe('renderSuccessTemplate', () => {
  it.each([
    [
      'values as JSON text',
      '{"name": ${name}, "n": ${n}}',
      { name: '"x"', n: '2' },
      '',
      '{"name": "x", "n": 2}',
    ],
    ['rawResult unchanged', '${rawResult}', {}, '{"a":1}', '{"a":1}'],
    ['firstFromArray', '${successTemplateUtils.firstFromArray(${arr})}', { arr: '[5,6]' }, '', '5'],
    [
      'firstFromArray with a default',
      '${successTemplateUtils.firstFromArray(${arr}, "0")}',
      { arr: '[]' },
      '',
      '0',
    ],
    ['the project template ${output}', '${output}', { output: '{"a":1}' }, '', '{"a":1}'],
  ])('renders %s', (_case, template, values, raw, expected) => {
    expect(renderSuccessTemplate(template, values, raw)).toBe(expected);
  });
});
