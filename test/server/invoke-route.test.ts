import { describe, expect, it } from 'vitest';
import { RetryableToolError } from '../../src/definition/index.js';
import {
  TOKEN,
  authed,
  invoke,
  memoryAudit,
  recordingLogger,
  recordingObserver,
  server,
  tool,
  wire,
} from './helpers.js';

const url = '/api/v1/tools/check_inventory';

describe('the invocation route', () => {
  it('answers a valid call with the contract success envelope', async () => {
    const app = await server();
    const res = await invoke(app, { sku: 'A-1', quantity: 2 });
    expect(res.statusCode).toBe(200);
    const body = wire(res);
    expect(body).toMatchObject({
      status: 'success',
      output: { sku: 'A-1', inventory_level: 42 },
      metadata: { tool_name: 'check_inventory', attempts: 1 },
    });
    expect(body.metadata.invocation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof body.metadata.duration_ms).toBe('number');
  });

  it('passes ids from the body and the ININ headers to the handler context', async () => {
    let seen: Record<string, unknown> = {};
    const app = await server({
      tools: [
        tool({
          handler: (_p, ctx) => {
            seen = {
              conversationId: ctx.conversationId,
              userId: ctx.userId,
              correlationId: ctx.correlationId,
              organizationId: ctx.organizationId,
              attempt: ctx.attempt,
              aborted: ctx.signal.aborted,
            };
            return {};
          },
        }),
      ],
    });
    await app.inject({
      method: 'POST',
      url,
      headers: {
        ...authed,
        'inin-correlation-id': 'corr-1',
        'inin-organization-id': 'org-1',
        'inin-user-id': 'header-user',
      },
      payload: {
        tool_name: 'check_inventory',
        parameters: { sku: 'x' },
        conversation_id: 'conv-1',
      },
    });
    expect(seen).toEqual({
      conversationId: 'conv-1',
      userId: 'header-user',
      correlationId: 'corr-1',
      organizationId: 'org-1',
      attempt: 1,
      aborted: false,
    });
  });

  const badBodies: [string, string, Record<string, string>][] = [
    ['a body that is not JSON', '{"tool_name": ', {}],
    ['an empty JSON body', '', {}],
    ['JSON that is an array', '[1,2]', {}],
    ['JSON that is a string', '"hello"', {}],
    ['JSON null', 'null', {}],
    ['a missing parameters field', '{"tool_name":"check_inventory"}', {}],
    ['a missing tool_name field', '{"parameters":{"sku":"a"}}', {}],
    ['parameters of the wrong type', '{"tool_name":"check_inventory","parameters":[1]}', {}],
    ['tool_name of the wrong type', '{"tool_name":7,"parameters":{}}', {}],
    ['an extra envelope field', '{"tool_name":"check_inventory","parameters":{},"x":1}', {}],
    [
      'a __proto__ key',
      '{"tool_name":"check_inventory","parameters":{"__proto__":{"admin":true}}}',
      {},
    ],
    [
      'a constructor.prototype key',
      '{"tool_name":"check_inventory","parameters":{"constructor":{"prototype":{"admin":true}}}}',
      {},
    ],
    ['a text/plain body that is not JSON', 'sku=1', { 'content-type': 'text/plain' }],
  ];

  it.each(badBodies)('refuses %s with 400 INVALID_PAYLOAD', async (_name, payload, headers) => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { ...authed, ...headers },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(wire(res)).toMatchObject({
      status: 'error',
      output: null,
      error_code: 'INVALID_PAYLOAD',
    });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('names the unknown envelope field in the error details', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: authed,
      payload: { tool_name: 'check_inventory', parameters: {}, tool: 'x' },
    });
    expect(wire(res).details).toEqual([{ path: '', message: 'unknown field(s): tool' }]);
  });

  it('accepts a JSON body sent without a JSON content type', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      payload: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } }),
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a tool_name that differs from the path with 400 TOOL_NAME_MISMATCH', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: authed,
      payload: { tool_name: 'other_tool', parameters: { sku: 'a' } },
    });
    expect(res.statusCode).toBe(400);
    expect(wire(res).error_code).toBe('TOOL_NAME_MISMATCH');
  });

  it('answers 404 UNKNOWN_TOOL for a tool that is not served', async () => {
    const app = await server();
    const res = await invoke(app, { sku: 'a' }, 'no_such_tool');
    expect(res.statusCode).toBe(404);
    expect(wire(res)).toMatchObject({ status: 'error', error_code: 'UNKNOWN_TOOL' });
  });

  it.each([
    ['GET', '/nowhere'],
    ['GET', '/api/v1/tools/check_inventory'],
    ['DELETE', '/api/v1/tools/check_inventory'],
    ['POST', `/api/v1/tools/${'x'.repeat(200)}`],
  ])('answers %s %s with the contract 404, not a Fastify body', async (method, path) => {
    const app = await server();
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(404);
    expect(wire(res)).toMatchObject({ status: 'error', output: null, error_code: 'UNKNOWN_TOOL' });
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const app = await server();
    const big = JSON.stringify({
      tool_name: 'check_inventory',
      parameters: { sku: 'x'.repeat(10_000_000) },
    });
    const res = await app.inject({ method: 'POST', url, headers: authed, payload: big });
    expect(res.statusCode).toBe(413);
    expect(wire(res)).toMatchObject({ status: 'error', error_code: 'PAYLOAD_TOO_LARGE' });
  });

  it('accepts a body just under the configured limit', async () => {
    const app = await server({ bodyLimitBytes: 2048 });
    const res = await invoke(app, { sku: 'x'.repeat(1900) });
    expect(res.statusCode).toBe(200);
    const over = await invoke(app, { sku: 'x'.repeat(2100) });
    expect(over.statusCode).toBe(413);
  });

  it('refuses parameters that break the schema with 422, listing each path', async () => {
    const app = await server();
    const res = await invoke(app, { quantity: 'many', colour: 'red' });
    expect(res.statusCode).toBe(422);
    const body = wire(res);
    expect(body.error_code).toBe('INVALID_PARAMETERS');
    const paths = (body.details ?? []).map((d) => d.path).sort();
    expect(paths).toEqual(['/colour', '/quantity', '/sku']);
  });

  it('answers 500 EXECUTION_FAILURE with a generic message when the handler throws', async () => {
    const logger = recordingLogger();
    const app = await server(
      {
        tools: [
          tool({
            handler: () => {
              throw new Error('database password=hunter2 rejected');
            },
          }),
        ],
      },
      { logger },
    );
    const res = await invoke(app);
    expect(res.statusCode).toBe(500);
    const body = wire(res);
    expect(body.error_code).toBe('EXECUTION_FAILURE');
    expect(body.message).not.toContain('hunter2');
    expect(body.message).toContain(body.invocation_id);
    const failure = logger.lines.find((l) => l.msg === 'tool handler failed');
    expect(failure?.fields).toMatchObject({
      invocationId: body.invocation_id,
      tool: 'check_inventory',
      traceId: undefined,
    });
  });

  it('answers EXECUTION_FAILURE for output that breaks the output schema, with the path only in the log', async () => {
    const logger = recordingLogger();
    const app = await server(
      {
        tools: [
          tool({
            outputSchema: {
              $schema: 'https://json-schema.org/draft/2020-12/schema',
              type: 'object',
              properties: { inventory_level: { type: 'integer' } },
              required: ['inventory_level'],
            },
            handler: () => ({ inventory_level: 'lots' }),
          }),
        ],
      },
      { logger },
    );
    const res = await invoke(app);
    expect(res.statusCode).toBe(500);
    expect(wire(res).error_code).toBe('EXECUTION_FAILURE');
    expect(res.body).not.toContain('inventory_level');
    const line = logger.lines.find((l) => l.msg === 'tool output does not match its output schema');
    expect(JSON.stringify(line?.fields)).toContain('/inventory_level');
  });

  it('retries only failures the handler marks retryable, up to the tool retries', async () => {
    let calls = 0;
    const app = await server({
      tools: [
        tool({
          retries: 2,
          handler: () => {
            calls += 1;
            if (calls < 3) throw new RetryableToolError('upstream 503');
            return { ok: true };
          },
        }),
        tool({
          name: 'plain_failure',
          retries: 2,
          handler: () => {
            throw new Error('bad input upstream');
          },
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(200);
    expect(wire(res).metadata.attempts).toBe(3);
    const plain = await invoke(app, { sku: 'a' }, 'plain_failure');
    expect(plain.statusCode).toBe(500);
    expect(calls).toBe(3);
  });

  it('gives up after the tool retries and answers EXECUTION_FAILURE', async () => {
    let calls = 0;
    const app = await server({
      tools: [
        tool({
          retries: 1,
          handler: () => {
            calls += 1;
            throw new RetryableToolError('still down');
          },
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(500);
    expect(calls).toBe(2);
  });

  it('writes one audit entry per call, accepted or refused, before replying', async () => {
    const audit = memoryAudit();
    const observer = recordingObserver();
    const app = await server({ audit, observer });
    const ok = await app.inject({
      method: 'POST',
      url,
      headers: { ...authed, 'inin-correlation-id': 'c-1' },
      payload: { tool_name: 'check_inventory', parameters: { sku: 'a' }, user_id: 'u-1' },
    });
    const refused = await invoke(app, { sku: 'a' }, 'check_inventory', {
      'content-type': 'application/json',
    });
    const unknown = await invoke(app, { sku: 'a' }, 'nope');
    expect([ok.statusCode, refused.statusCode, unknown.statusCode]).toEqual([200, 401, 404]);
    expect(audit.entries.map((e) => [e.tool, e.outcome, e.errorCode])).toEqual([
      ['check_inventory', 'success', undefined],
      ['check_inventory', 'error', 'UNAUTHORIZED'],
      ['nope', 'error', 'UNKNOWN_TOOL'],
    ]);
    expect(audit.entries[0]).toMatchObject({
      invocationId: wire(ok).metadata.invocation_id,
      userId: 'u-1',
      correlationId: 'c-1',
      parameters: { sku: 'a' },
    });
    expect(observer.started).toHaveLength(3);
    expect(observer.ended.map((e) => e.httpStatus)).toEqual([200, 401, 404]);
  });

  it('does not send the reply until the audit entry is durable', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let appendCalled: () => void = () => undefined;
    const appending = new Promise<void>((r) => (appendCalled = r));
    let appended = false;
    const app = await server({
      audit: {
        append: async () => {
          appendCalled();
          await gate;
          appended = true;
        },
      },
    });
    let replied = false;
    const pending = invoke(app).then((res) => {
      replied = true;
      expect(appended).toBe(true);
      return res;
    });
    await appending;
    await new Promise((r) => setImmediate(r));
    expect(replied).toBe(false);
    release();
    expect((await pending).statusCode).toBe(200);
  });

  it('answers EXECUTION_FAILURE when the audit entry cannot be written', async () => {
    const app = await server({
      audit: {
        append: () => Promise.reject(new Error('disk full')),
      },
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(500);
    expect(wire(res).error_code).toBe('EXECUTION_FAILURE');
  });

  it('puts invocationId, tool and traceId on every log line of a call', async () => {
    const logger = recordingLogger();
    const app = await server(
      {
        observer: recordingObserver(),
        tools: [
          tool({
            handler: (_p, ctx) => {
              ctx.logger.info({ step: 1 }, 'handler says hi');
              return {};
            },
          }),
        ],
      },
      { logger },
    );
    const res = await invoke(app);
    const id = wire(res).metadata.invocation_id;
    const callLines = logger.lines.filter(
      (l) => l.msg === 'handler says hi' || l.msg === 'invocation',
    );
    expect(callLines).toHaveLength(2);
    for (const line of callLines) {
      expect(line.fields).toMatchObject({
        invocationId: id,
        tool: 'check_inventory',
        traceId: 'trace-1',
      });
    }
  });
  it('writes the same ids on the summary line of a call whose handler never logs', async () => {
    const logger = recordingLogger();
    const app = await server(
      { observer: recordingObserver(), tools: [tool({ handler: () => ({}) })] },
      { logger },
    );
    const res = await invoke(app);
    const lines = logger.lines.filter((l) => l.msg === 'invocation');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({
      invocationId: wire(res).metadata.invocation_id,
      tool: 'check_inventory',
      traceId: 'trace-1',
      outcome: 'success',
    });
  });
});

describe('outputs JSON cannot encode', () => {
  it.each([
    ['a BigInt', () => ({ n: 10n })],
    [
      'a cycle',
      () => {
        const a: Record<string, unknown> = {};
        a['self'] = a;
        return a;
      },
    ],
  ])('answers EXECUTION_FAILURE for %s instead of hanging', async (_name, handler) => {
    const app = await server({ tools: [tool({ handler })] });
    const res = await invoke(app);
    expect(res.statusCode).toBe(500);
    expect(wire(res).error_code).toBe('EXECUTION_FAILURE');
  });
});
