/**
 * Issue 14 §8, §9: parameters nested too deep or holding a lone UTF-16 surrogate are the caller's
 * fault (400 / 422, never 500), and a refusal lists a bounded number of issues.
 */
import { describe, expect, it } from 'vitest';
import { InvocationError } from '../../src/errors.js';
import { TOKEN, invoke, server, tool, wire } from './helpers.js';

const items = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { sku: { type: 'string' }, items: { type: 'array', items: { type: 'integer' } } },
};

/** Posts a raw body: JSON.stringify itself overflows the stack on 10,000 levels. */
function post(app: Awaited<ReturnType<typeof server>>, body: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/tools/check_inventory',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    payload: body,
  });
}

/** A body whose parameters are `depth` objects deep (the parameters object itself is 1). */
function nested(depth: number): string {
  return `{"tool_name":"check_inventory","parameters":{"sku":"x","extra":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}}`;
}

describe('parameters a schema cannot describe', () => {
  it('refuses parameters nested 10,000 deep with 400 INVALID_PAYLOAD naming the bound', async () => {
    let ran = false;
    const app = await server({
      tools: [tool({ inputSchema: { type: 'object' }, handler: () => ((ran = true), {}) })],
    });
    const res = await post(app, nested(10_000));
    expect(res.statusCode).toBe(400);
    expect(wire(res).error_code).toBe('INVALID_PAYLOAD');
    expect(wire(res).message).toContain('64');
    expect(ran).toBe(false);
  });

  it('accepts parameters nested exactly 64 deep', async () => {
    const app = await server({ tools: [tool({ inputSchema: { type: 'object' } })] });
    // parameters (1) ▸ extra (2) ▸ 62 more levels of "a".
    expect((await post(app, nested(64))).statusCode).toBe(200);
    expect((await post(app, nested(65))).statusCode).toBe(400);
  });

  it.each([
    ['a string value', '{"tool_name":"check_inventory","parameters":{"sku":"a\\ud800b"}}', '/sku'],
    [
      'a trailing low surrogate',
      '{"tool_name":"check_inventory","parameters":{"sku":"a\\udc00"}}',
      '/sku',
    ],
    [
      'a key',
      '{"tool_name":"check_inventory","parameters":{"sku":"a","k\\ud800":"v"}}',
      '/k\ud800',
    ],
    [
      'an array item',
      '{"tool_name":"check_inventory","parameters":{"sku":"a","items":["\\ud83d"]}}',
      '/items/0',
    ],
  ])('refuses a lone surrogate in %s with 422 INVALID_PARAMETERS', async (_name, body, path) => {
    const app = await server({ tools: [tool({ inputSchema: { type: 'object' } })] });
    const res = await post(app, body);
    expect(res.statusCode).toBe(422);
    expect(wire(res).error_code).toBe('INVALID_PARAMETERS');
    expect(wire(res).details).toEqual([
      { path, message: 'is not well-formed Unicode (a lone UTF-16 surrogate)' },
    ]);
  });

  it('accepts a surrogate pair (an emoji)', async () => {
    const app = await server();
    const res = await invoke(app, { sku: 'box 📦' });
    expect(res.statusCode).toBe(200);
  });
});

describe('a refusal lists a bounded number of issues', () => {
  it('answers an invalid 120,000-item array with the first 20 issues and a count', async () => {
    const app = await server({ tools: [tool({ inputSchema: items })] });
    const res = await invoke(app, { sku: 'x', items: Array.from({ length: 120_000 }, () => 'x') });
    expect(res.statusCode).toBe(422);
    expect(res.body.length).toBeLessThan(16_384);
    const body = wire(res);
    expect(body.details).toHaveLength(20);
    expect(body.details?.[0]).toEqual({ path: '/items/0', message: 'must be integer' });
    expect(body.message).toContain('and 119980 more');
  });

  it('bounds the issues of an INVALID_PARAMETERS a handler throws', async () => {
    const issues = Array.from({ length: 50_000 }, (_v, i) => ({
      path: `/items/${i}`,
      message: 'bad',
    }));
    const app = await server({
      tools: [
        tool({
          handler: () => {
            throw new InvocationError('INVALID_PARAMETERS', 'the items are wrong', {
              details: { issues },
            });
          },
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(422);
    expect(res.body.length).toBeLessThan(16_384);
    expect(wire(res).details).toHaveLength(20);
    expect(wire(res).message).toContain('50000 issues');
  });
});
