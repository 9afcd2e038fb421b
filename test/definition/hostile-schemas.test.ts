// Issue 14 items 10 and 11: parameter names every JavaScript object already has, and patterns that
// backtrack catastrophically, are refused when the tool is defined; the validators the server
// uses look at own properties only.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DefinitionIssue, ToolDefinition } from '../../src/definition/index.js';
import { buildTool, compileParametersValidator } from '../../src/definition/index.js';
import { canonicaliseSchema } from '../../src/definition/to-json-schema.js';

function issuesOf(input: Record<string, unknown>): readonly [string, string][] {
  const result = buildTool({ name: 'tool', description: 'A tool', ...input });
  return result.ok ? [] : result.issues.map((i: DefinitionIssue) => [i.code, i.pointer]);
}

const POLICIES = {
  rateLimit: { requestsPerMinute: 60, burstSize: 10 },
  timeoutMs: 5000,
  retries: 0,
  concurrency: { maxConcurrent: 1, maxQueue: 0 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
} as const;

/** A tool built by hand, as a caller of the validator could hold one whatever defineTool says. */
function handBuilt(inputSchema: Record<string, unknown>): ToolDefinition {
  return { name: 'hand', description: 'd', inputSchema, ...POLICIES };
}

describe('parameter names that are Object.prototype members', () => {
  it.each([
    [
      'constructor',
      { parameters: { constructor: { type: 'string' } } },
      '/input/properties/constructor',
    ],
    [
      'toString',
      { parameters: { toString: { type: 'string', required: true } } },
      '/input/properties/toString',
    ],
    [
      'valueOf',
      { input: z.object({ valueOf: z.string().optional() }) },
      '/input/properties/valueOf',
    ],
    [
      'hasOwnProperty',
      { input: { type: 'object', properties: { hasOwnProperty: { type: 'boolean' } } } },
      '/input/properties/hasOwnProperty',
    ],
    [
      'a nested toString',
      {
        input: {
          type: 'object',
          properties: { address: { type: 'object', properties: { toString: { type: 'string' } } } },
        },
      },
      '/input/properties/address/properties/toString',
    ],
    [
      'a required name with no property',
      { input: { type: 'object', required: ['isPrototypeOf'] } },
      '/input/required/0',
    ],
    [
      '__proto__ (JSON)',
      {
        input: JSON.parse(
          '{"type":"object","properties":{"__proto__":{"type":"string"}}}',
        ) as unknown,
      },
      '/input/properties/__proto__',
    ],
    [
      '__proto__ in a parameter map (JSON)',
      { parameters: JSON.parse('{"__proto__":{"type":"string"}}') as unknown },
      '/input/properties/__proto__',
    ],
  ])('refuses a parameter named %s', (_label, input, pointer) => {
    expect(issuesOf(input)).toContainEqual(['DEFINITION_RESERVED_NAME', pointer]);
  });

  it('says to rename the parameter', () => {
    const result = buildTool({
      name: 'tool',
      description: 'A tool',
      parameters: { constructor: { type: 'string' } },
    });
    expect(result.ok ? [] : result.issues.map((i) => i.hint)).toEqual(['rename the parameter']);
  });

  it('accepts such names in the output, where the validator reads own properties', () => {
    expect(issuesOf({ output: z.object({ constructor: z.string() }) })).toEqual([]);
  });

  it('keeps a __proto__ property in the canonical schema instead of dropping it', () => {
    const schema = canonicaliseSchema(
      JSON.parse(
        '{"type":"object","properties":{"__proto__":{"type":"string"},"a":{"type":"string"}},"required":["__proto__"]}',
      ) as Record<string, unknown>,
    );
    const properties = schema['properties'];
    expect(
      properties !== null && typeof properties === 'object' && Object.keys(properties),
    ).toEqual(['__proto__', 'a']);
    expect(JSON.parse(JSON.stringify(schema))).toMatchObject({
      properties: JSON.parse('{"__proto__":{"type":"string"},"a":{"type":"string"}}') as unknown,
      required: ['__proto__'],
    });
  });
});

describe('the parameters validator reads own properties only', () => {
  it('does not take an inherited toString for a required toString parameter', () => {
    const validate = compileParametersValidator(
      handBuilt({
        type: 'object',
        properties: { toString: { type: 'string' } },
        required: ['toString'],
      }),
    );
    expect(validate({})).toEqual({
      ok: false,
      issues: [{ path: '/toString', message: 'is required' }],
    });
    expect(validate(JSON.parse('{"toString":"x"}'))).toEqual({ ok: true });
  });

  it('does not check the inherited constructor against an optional constructor parameter', () => {
    const validate = compileParametersValidator(
      handBuilt({ type: 'object', properties: { constructor: { type: 'string' } } }),
    );
    expect(validate({})).toEqual({ ok: true });
  });
});

describe('catastrophic patterns', () => {
  it.each([
    ['^(a+)+$', 'nested plus'],
    ['(a*)*', 'nested star'],
    ['^(\\w+\\s?)*$', 'words and optional spaces'],
    ['(x+x+)+y', 'two plus in a plus'],
    ['^(a{1,2})*$', 'a bounded quantifier in a star'],
  ])('refuses %s (%s) in a parameter', (pattern) => {
    expect(issuesOf({ parameters: { code: { type: 'string', pattern } } })).toEqual([
      ['DEFINITION_UNSAFE_PATTERN', '/input/properties/code/pattern'],
    ]);
  });

  it.each([
    [
      'zod .regex()',
      { input: z.object({ x: z.string().regex(/^(a+)+$/) }) },
      '/input/properties/x/pattern',
    ],
    [
      'the second of two zod .regex()',
      {
        input: z.object({
          x: z
            .string()
            .regex(/^a/)
            .regex(/(b+)+$/),
        }),
      },
      '/input/properties/x/allOf/1/pattern',
    ],
    [
      'a patternProperties key',
      { input: { type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } } } },
      '/input/patternProperties/^(a+)+$',
    ],
    [
      'array items',
      {
        input: {
          type: 'object',
          properties: { xs: { type: 'array', items: { type: 'string', pattern: '(a*)*' } } },
        },
      },
      '/input/properties/xs/items/pattern',
    ],
    [
      'the output',
      { output: z.object({ x: z.string().regex(/^(a+)+$/) }) },
      '/output/properties/x/pattern',
    ],
  ])('refuses one in %s', (_label, input, pointer) => {
    expect(issuesOf(input)).toEqual([['DEFINITION_UNSAFE_PATTERN', pointer]]);
  });

  it.each([
    ['^ORD-[0-9]{4,10}$'],
    ['^[A-Z]{3}$'],
    ['^\\d{3}-\\d{4}$'],
    ['^-?\\d+(?:\\.\\d+|)$'],
    ['^[a-z]+(-[a-z]+|)$'],
  ])('accepts %s', (pattern) => {
    expect(issuesOf({ parameters: { code: { type: 'string', pattern } } })).toEqual([]);
  });

  it.each([
    ['z.email()', z.email()],
    ['z.iso.datetime()', z.iso.datetime()],
    ['z.iso.datetime({ offset, precision })', z.iso.datetime({ offset: true, precision: 3 })],
    ['z.iso.time()', z.iso.time()],
    ['z.iso.duration()', z.iso.duration()],
    ['z.ipv6()', z.ipv6()],
    ['z.base64()', z.base64()],
    ['z.hostname()', z.hostname()],
    ['z.mac()', z.mac()],
    ['z.uuid()', z.uuid()],
  ])("accepts zod's own pattern for %s", (_label, schema) => {
    expect(issuesOf({ input: z.object({ x: schema }) })).toEqual([]);
  });
});
