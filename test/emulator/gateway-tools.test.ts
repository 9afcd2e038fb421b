import { Webhook } from 'standardwebhooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createEmulator } from '../../src/emulator/index.js';
import { api, str, tokenFor } from './helpers.js';
import { json, startTarget } from './target-server.js';

const ROUTE = '/api/v2/ai/assistant/tools';
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

async function setup(options: EmulatorOptions = {}) {
  const emulator = await createEmulator(options);
  onTestFinished(() => emulator.close());
  return api(emulator, await tokenFor(emulator));
}

function tool(overrides: Record<string, unknown> = {}) {
  return {
    name: 'check_inventory',
    description: 'Checks inventory',
    schema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
    executionEndpoint: 'http://127.0.0.1:9/api/v1/tools/check_inventory',
    rateLimit: { requestsPerMinute: 60, burstSize: 10 },
    managedBy: 'genesys-tools',
    ...overrides,
  };
}

describe('gateway tools contract', () => {
  it('creates a tool with 201 and returns the entity with id, version, status, dates and selfUri', async () => {
    const call = await setup();
    const res = await call('POST', ROUTE, tool());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...tool(), version: 1, status: 'active' });
    const id = str(res.body, 'id');
    expect(res.body['selfUri']).toBe(`${ROUTE}/${id}`);
    expect(typeof res.body['dateCreated']).toBe('string');
    expect((await call('GET', `${ROUTE}/${id}`)).body).toMatchObject({
      id,
      name: 'check_inventory',
    });
  });

  it('answers 409 when the name is taken', async () => {
    const call = await setup();
    await call('POST', ROUTE, tool());
    const res = await call('POST', ROUTE, tool());
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'general.conflict', details: [{ fieldName: 'name' }] });
  });

  it.each([
    ['a non-object schema', { schema: { type: 'string' } }, 'schema.type'],
    [
      'a schema breaking the 2020-12 meta-schema',
      { schema: { type: 'object', properties: { a: { type: 'strng' } } } },
      'schema.properties.a.type',
    ],
    [
      'a $ref',
      { schema: { type: 'object', properties: { a: { $ref: '#/$defs/a' } } } },
      'schema.$ref',
    ],
    ['a bad name', { name: '9lives' }, 'name'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('answers 400 with details for %s', async (_case, overrides, fieldName) => {
    const call = await setup();
    const res = await call('POST', ROUTE, tool(overrides));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad.request' });
    expect((res.body['details'] as { fieldName: string }[]).map((d) => d.fieldName)).toContain(
      fieldName,
    );
  });

  it('pages the listing with nextUri', async () => {
    const call = await setup();
    for (const name of ['a', 'b', 'c']) await call('POST', ROUTE, tool({ name }));
    const first = await call('GET', `${ROUTE}?pageSize=2&pageNumber=1`);
    expect(first.body).toMatchObject({
      total: 3,
      pageCount: 2,
      pageSize: 2,
      pageNumber: 1,
      nextUri: `${ROUTE}?pageSize=2&pageNumber=2`,
    });
    const second = await call('GET', str(first.body, 'nextUri'));
    expect((second.body['entities'] as unknown[]).length).toBe(1);
    expect(second.body['nextUri']).toBeUndefined();
  });

  it('replaces a tool with PUT, bumping its version, and refuses a stale version', async () => {
    const call = await setup();
    const id = str((await call('POST', ROUTE, tool())).body, 'id');
    const put = await call('PUT', `${ROUTE}/${id}`, tool({ description: 'New text' }));
    expect(put.body).toMatchObject({ version: 2, description: 'New text' });
    const stale = await call('PUT', `${ROUTE}/${id}`, tool({ version: 1 }));
    expect(stale.status).toBe(409);
  });

  it('deletes a tool, then answers 404 for it', async () => {
    const call = await setup();
    const id = str((await call('POST', ROUTE, tool())).body, 'id');
    expect((await call('DELETE', `${ROUTE}/${id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE'] as const) {
      expect((await call(method, `${ROUTE}/${id}`)).status).toBe(404);
    }
    expect((await call('PUT', `${ROUTE}/${id}`, tool())).status).toBe(404);
  });

  it('invokes a tool by posting the signed envelope to its endpoint and returns its answer', async () => {
    const target = await startTarget(json(200, { status: 'success', output: { level: 3 } }));
    const call = await setup({ gatewaySigningSecret: SECRET });
    const id = str(
      (
        await call(
          'POST',
          ROUTE,
          tool({ executionEndpoint: `${target.url}/api/v1/tools/check_inventory` }),
        )
      ).body,
      'id',
    );
    const res = await call('POST', `${ROUTE}/${id}/invoke`, {
      parameters: { sku: 'A1' },
      conversation_id: 'conv-1',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', output: { level: 3 } });
    const sent = target.received[0]!;
    expect(JSON.parse(sent.body)).toEqual({
      tool_name: 'check_inventory',
      parameters: { sku: 'A1' },
      conversation_id: 'conv-1',
    });
    const headers = {
      'webhook-id': String(sent.headers['webhook-id']),
      'webhook-timestamp': String(sent.headers['webhook-timestamp']),
      'webhook-signature': String(sent.headers['webhook-signature']),
    };
    expect(() => new Webhook(SECRET).verify(sent.body, headers)).not.toThrow();
    expect(sent.headers['inin-correlation-id']).toBe(res.headers['inin-correlation-id']);
  });

  it('passes a tool error status through and sends no signature without a secret', async () => {
    const target = await startTarget(
      json(422, { status: 'error', error_code: 'INVALID_PARAMETERS' }),
    );
    const call = await setup();
    const id = str((await call('POST', ROUTE, tool({ executionEndpoint: target.url }))).body, 'id');
    const res = await call('POST', `${ROUTE}/${id}/invoke`, { parameters: {} });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETERS' });
    expect(target.received[0]!.headers['webhook-signature']).toBeUndefined();
  });

  it('refuses an invocation body without parameters', async () => {
    const call = await setup();
    const id = str((await call('POST', ROUTE, tool())).body, 'id');
    const res = await call('POST', `${ROUTE}/${id}/invoke`, { params: {} });
    expect(res.status).toBe(400);
  });
});
