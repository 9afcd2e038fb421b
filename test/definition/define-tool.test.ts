import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DefinitionError, isGenesysToolsError } from '../../src/errors.js';
import type { DefinitionIssue } from '../../src/definition/index.js';
import { buildTool, defineTool, isToolDefinition } from '../../src/definition/index.js';
import type { ToolContext } from '../../src/definition/index.js';
import { silentLogger } from '../../src/deps.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  invocationId: 'inv-1',
  toolName: 'check_inventory',
  attempt: 1,
  logger: silentLogger,
};

function issuesOf(input: unknown): readonly DefinitionIssue[] {
  const result = buildTool(input);
  return result.ok ? [] : result.issues;
}

describe('defineTool: three parameter styles', () => {
  const zodTool = defineTool({
    name: 'order_status',
    description: 'Looks up an order',
    input: z.object({
      order_id: z.string().describe('Order number'),
      quantity: z.number().int().min(1).max(100).optional(),
      channel: z.enum(['web', 'phone']).optional(),
      count: z.int().optional(),
    }),
    output: z.object({ status: z.string(), eta_days: z.number().int() }),
  });
  const mapTool = defineTool({
    name: 'order_status',
    description: 'Looks up an order',
    parameters: {
      order_id: { type: 'string', description: 'Order number', required: true },
      quantity: { type: 'integer', minimum: 1, maximum: 100 },
      channel: { type: 'string', enum: ['web', 'phone'] },
      count: { type: 'integer' },
    },
    output: {
      type: 'object',
      properties: { status: { type: 'string' }, eta_days: { type: 'integer' } },
      required: ['status', 'eta_days'],
    },
  });
  const jsonTool = defineTool({
    name: 'order_status',
    description: 'Looks up an order',
    // Keys deliberately in another order, and `required` before `properties`.
    input: {
      required: ['order_id'],
      type: 'object',
      properties: {
        order_id: { type: 'string', description: 'Order number' },
        quantity: { maximum: 100, minimum: 1, type: 'integer' },
        channel: { enum: ['web', 'phone'], type: 'string' },
        count: { type: 'integer' },
      },
    },
    output: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['eta_days', 'status'],
      properties: { status: { type: 'string' }, eta_days: { type: 'integer' } },
    },
  });

  it('gives byte-identical canonical input schemas for zod, the parameter map and JSON Schema', () => {
    const zodJson = JSON.stringify(zodTool.inputSchema);
    expect(JSON.stringify(mapTool.inputSchema)).toBe(zodJson);
    expect(JSON.stringify(jsonTool.inputSchema)).toBe(zodJson);
  });

  it('gives byte-identical canonical output schemas for zod and JSON Schema', () => {
    expect(JSON.stringify(jsonTool.outputSchema)).toBe(JSON.stringify(zodTool.outputSchema));
    expect(JSON.stringify(mapTool.outputSchema)).toBe(JSON.stringify(zodTool.outputSchema));
  });

  it('sets $schema 2020-12, closes objects and drops the safe-integer bounds zod adds', () => {
    expect(zodTool.inputSchema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        order_id: { description: 'Order number', type: 'string' },
        quantity: { type: 'integer', minimum: 1, maximum: 100 },
        channel: { type: 'string', enum: ['web', 'phone'] },
        count: { type: 'integer' },
      },
      required: ['order_id'],
      additionalProperties: false,
    });
  });

  it('keeps an explicitly opened object open', () => {
    const loose = defineTool({
      name: 'a',
      description: 'd',
      input: z.looseObject({ a: z.string() }),
    });
    const plain = defineTool({
      name: 'a',
      description: 'd',
      input: {
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
        additionalProperties: true,
      },
    });
    expect(loose.inputSchema['additionalProperties']).toBe(true);
    expect(JSON.stringify(plain.inputSchema)).toBe(JSON.stringify(loose.inputSchema));
  });
});

describe('defineTool: the definition', () => {
  it('fills the documented policy defaults', () => {
    const tool = defineTool({ name: 'check_inventory', description: 'Checks inventory' });
    expect(tool).toMatchObject({
      rateLimit: { requestsPerMinute: 60, burstSize: 10 },
      timeoutMs: 5000,
      retries: 1,
      concurrency: { maxConcurrent: 50, maxQueue: 100 },
      circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    });
    expect(tool.inputSchema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {},
      additionalProperties: false,
    });
  });

  it('returns a deeply frozen, branded definition', () => {
    const tool = defineTool({ name: 'a', description: 'd', parameters: { x: { type: 'string' } } });
    expect(Object.isFrozen(tool)).toBe(true);
    expect(Object.isFrozen(tool.inputSchema['properties'])).toBe(true);
    expect(isToolDefinition(tool)).toBe(true);
    expect(isToolDefinition({ ...tool })).toBe(false);
  });

  it('passes zod-parsed parameters (defaults applied) to the handler', async () => {
    const tool = defineTool({
      name: 'a',
      description: 'd',
      input: z.object({ sku: z.string(), count: z.number().default(3) }),
      handler: ({ sku, count }) => `${sku}:${count.toFixed(0)}`,
    });
    expect(await tool.handler?.({ sku: 'X' }, context)).toBe('X:3');
  });

  it('refuses parameters a zod refinement rejects with INVALID_PARAMETERS', () => {
    const tool = defineTool({
      name: 'a',
      description: 'd',
      input: z.object({ sku: z.string().refine((s) => s.startsWith('S'), 'must start with S') }),
      handler: ({ sku }) => sku,
    });
    expect(() => tool.handler?.({ sku: 'X' }, context)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETERS' }),
    );
  });

  it('throws a DefinitionError that lists every problem', () => {
    let caught: unknown;
    try {
      defineTool({
        name: '1bad',
        description: 'x'.repeat(300),
        parameters: { day: { type: 'date' } },
        timeoutMs: 70_000,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionError);
    expect(isGenesysToolsError(caught)).toBe(true);
    const details = caught instanceof DefinitionError ? caught.details : undefined;
    const codes = (details?.['issues'] as DefinitionIssue[]).map((i) => [i.code, i.pointer]);
    expect(codes).toEqual([
      ['DEFINITION_INVALID_POLICY', '/timeoutMs'],
      ['DEFINITION_INVALID_NAME', '/name'],
      ['DEFINITION_DESCRIPTION_TOO_LONG', '/description'],
      ['DEFINITION_UNSUPPORTED_TYPE', '/input/properties/day/type'],
    ]);
  });
});

const ten = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`p${String(i)}`, { type: 'string' }]),
);
const eleven = { ...ten, p10: { type: 'string' } };

describe('defineTool: each rule with a passing and a failing case', () => {
  it.each([
    ['a valid name', { name: 'check_inventory-2' }, undefined],
    ['a name starting with a digit', { name: '2check' }, ['DEFINITION_INVALID_NAME', '/name']],
    ['a name with a space', { name: 'check inventory' }, ['DEFINITION_INVALID_NAME', '/name']],
    ['a 64-character name', { name: `a${'b'.repeat(63)}` }, undefined],
    ['a 65-character name', { name: `a${'b'.repeat(64)}` }, ['DEFINITION_INVALID_NAME', '/name']],
    ['a 255-character description', { description: 'd'.repeat(255) }, undefined],
    [
      'a 300-character description',
      { description: 'd'.repeat(300) },
      ['DEFINITION_DESCRIPTION_TOO_LONG', '/description'],
    ],
    ['an empty description', { description: '' }, ['DEFINITION_INVALID', '/description']],
    ['10 parameters', { parameters: ten }, undefined],
    [
      '11 parameters',
      { parameters: eleven },
      ['DEFINITION_TOO_MANY_PARAMETERS', '/input/properties'],
    ],
    [
      'a string with format date',
      { parameters: { d: { type: 'string', format: 'date' } } },
      undefined,
    ],
    [
      'a "date" type',
      { parameters: { d: { type: 'date' } } },
      ['DEFINITION_UNSUPPORTED_TYPE', '/input/properties/d/type'],
    ],
    [
      'a long parameter description',
      { parameters: { d: { type: 'string', description: 'x'.repeat(256) } } },
      ['DEFINITION_DESCRIPTION_TOO_LONG', '/input/properties/d/description'],
    ],
    [
      'an unknown parameter field',
      { parameters: { d: { type: 'string', colour: 'red' } } },
      ['DEFINITION_UNKNOWN_FIELD', '/parameters/d/colour'],
    ],
    ['an unknown definition field', { colour: 'red' }, ['DEFINITION_UNKNOWN_FIELD', '/colour']],
    [
      '$ref',
      { input: { type: 'object', properties: { a: { $ref: '#/$defs/a' } } } },
      ['DEFINITION_REF_NOT_ALLOWED', '/input/properties/a/$ref'],
    ],
    [
      'dependencies',
      { input: { type: 'object', dependencies: { a: ['b'] } } },
      ['DEFINITION_DEPRECATED_KEYWORD', '/input/dependencies'],
    ],
    [
      'a meta-schema violation',
      { input: { type: 'object', properties: { a: { type: 'string', minLength: -1 } } } },
      ['DEFINITION_SCHEMA_INVALID', '/input/properties/a/minLength'],
    ],
    ['a non-object input', { input: { type: 'string' } }, ['DEFINITION_INVALID', '/input/type']],
    ['a valid pattern', { parameters: { p: { type: 'string', pattern: '^[A-Z]+$' } } }, undefined],
    [
      'a broken pattern',
      { parameters: { p: { type: 'string', pattern: '[' } } },
      ['DEFINITION_SCHEMA_INVALID', '/input/properties/p/pattern'],
    ],
    [
      'a broken patternProperties key',
      { input: { type: 'object', patternProperties: { '(': { type: 'string' } } } },
      ['DEFINITION_SCHEMA_INVALID', '/input/patternProperties/('],
    ],
    [
      'an unknown format (an annotation)',
      { parameters: { p: { type: 'string', format: 'phone' } } },
      undefined,
    ],
    [
      'input and parameters together',
      { input: { type: 'object' }, parameters: {} },
      ['DEFINITION_INVALID', '/parameters'],
    ],
    ['a zod date', { input: z.object({ d: z.date() }) }, ['DEFINITION_UNSUPPORTED_TYPE', '/input']],
    ['timeoutMs 60000', { timeoutMs: 60_000 }, undefined],
    ['timeoutMs 60001', { timeoutMs: 60_001 }, ['DEFINITION_INVALID_POLICY', '/timeoutMs']],
    ['timeoutMs 0', { timeoutMs: 0 }, ['DEFINITION_INVALID_POLICY', '/timeoutMs']],
    ['retries 5', { retries: 5 }, undefined],
    ['retries 6', { retries: 6 }, ['DEFINITION_INVALID_POLICY', '/retries']],
    [
      'a fractional rate',
      { rateLimit: { requestsPerMinute: 1.5, burstSize: 1 } },
      ['DEFINITION_INVALID_POLICY', '/rateLimit/requestsPerMinute'],
    ],
    [
      'a huge burst',
      { rateLimit: { requestsPerMinute: 60, burstSize: 10_001 } },
      ['DEFINITION_INVALID_POLICY', '/rateLimit/burstSize'],
    ],
    [
      'a zero burst',
      { rateLimit: { requestsPerMinute: 60, burstSize: 0 } },
      ['DEFINITION_INVALID_POLICY', '/rateLimit/burstSize'],
    ],
    [
      'no concurrency slot',
      { concurrency: { maxConcurrent: 0, maxQueue: 0 } },
      ['DEFINITION_INVALID_POLICY', '/concurrency/maxConcurrent'],
    ],
    [
      'a breaker without threshold',
      { circuitBreaker: { consecutiveFailures: 0, halfOpenAfterMs: 1 } },
      ['DEFINITION_INVALID_POLICY', '/circuitBreaker/consecutiveFailures'],
    ],
  ])('checks %s', (_label, patch, expected) => {
    const issues = issuesOf({ name: 'tool', description: 'A tool', ...patch });
    if (expected === undefined) expect(issues).toEqual([]);
    else expect(issues.map((i) => [i.code, i.pointer])).toContainEqual(expected);
  });
});
