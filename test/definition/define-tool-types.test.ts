/**
 * Compile-time checks of `defineTool` (issue 15 item 19): `npm run typecheck` (tsc over test/)
 * fails when a `@ts-expect-error` line below compiles, that is when a handler whose result does
 * not match `output` is accepted. The runtime assertions keep the file a real test.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/index.js';
import type { HandlerResult } from '../../src/definition/index.js';

const input = z.object({ sku: z.string() });
const output = z.object({ sku: z.string(), inventory_level: z.number().int() });

describe('defineTool types the handler from input and output', () => {
  it('accepts a handler whose result matches the zod output, sync or async', () => {
    const sync = defineTool({
      name: 'typed_sync',
      description: 'd',
      input,
      output,
      handler: ({ sku }) => ({ sku, inventory_level: 3 }),
    });
    const async = defineTool({
      name: 'typed_async',
      description: 'd',
      input,
      output,
      handler: async ({ sku }) => Promise.resolve({ sku, inventory_level: 3 }),
    });
    expect([sync.name, async.name]).toEqual(['typed_sync', 'typed_async']);
    expectTypeOf<HandlerResult<typeof output>>().toEqualTypeOf<{
      sku: string;
      inventory_level: number;
    }>();
    expectTypeOf<HandlerResult<undefined>>().toBeUnknown();
  });

  it('refuses at compile time a result that does not match the zod output', () => {
    const build = (): unknown[] => [
      defineTool({
        name: 'wrong_type',
        description: 'd',
        input,
        output,
        // @ts-expect-error inventory_level must be a number, the output schema says so
        handler: ({ sku }) => ({ sku, inventory_level: 'many' }),
      }),
      defineTool({
        name: 'missing_field',
        description: 'd',
        input,
        output,
        // @ts-expect-error inventory_level is required by the output schema
        handler: async ({ sku }) => Promise.resolve({ sku }),
      }),
      defineTool({
        name: 'plain_input',
        description: 'd',
        parameters: { sku: { type: 'string', required: true } },
        output,
        // @ts-expect-error the output schema checks results of parameter-map tools too
        handler: () => ({ sku: 1, inventory_level: 1 }),
      }),
    ];
    // The wrong results compile only under @ts-expect-error; at run time the output schema
    // (compileOutputValidator in the server) still answers them, so no handler is called here.
    expect(build).toBeTypeOf('function');
  });

  it('leaves the result free when output is a JSON Schema object or absent', () => {
    const tool = defineTool({
      name: 'json_output',
      description: 'd',
      input,
      output: { type: 'object', properties: { n: { type: 'number' } } },
      handler: () => ({ anything: true }),
    });
    expect(tool.outputSchema).toBeDefined();
  });
});
