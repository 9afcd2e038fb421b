import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';

async function setup() {
  const emulator = await createEmulator();
  onTestFinished(() => emulator.close());
  const call = api(emulator, await tokenFor(emulator));
  const integrationId = await createIntegration(call);
  return { call, integrationId, emulator };
}

const withInput = (inputSchema: Record<string, unknown>) => ({
  contract: { input: { inputSchema }, output: { successSchema: { type: 'object' } } },
});

describe('data actions: create, read, list', () => {
  it('creates and publishes an action at version 1 and reads it back with contract and config', async () => {
    const { call, integrationId } = await setup();
    const created = await call('POST', '/api/v2/integrations/actions', actionBody(integrationId));
    expect(created.status).toBe(200);
    const id = str(created.body, 'id');
    const plain = await call('GET', `/api/v2/integrations/actions/${id}`);
    expect(plain.body).toMatchObject({
      id,
      name: 'check_inventory',
      version: 1,
      secure: false,
      integrationId,
    });
    expect(plain.body['config']).toBeUndefined();
    expect(plain.body['contract']).toMatchObject({
      input: { inputSchemaUri: expect.stringContaining(id) as unknown },
    });
    const full = await call(
      'GET',
      `/api/v2/integrations/actions/${id}?expand=contract&includeConfig=true`,
    );
    expect(full.body).toMatchObject({
      contract: { input: { inputSchema: { properties: { sku: { type: 'string' } } } } },
      config: {
        timeoutSeconds: 5,
        request: { requestType: 'POST' },
        response: {
          successTemplateUri: `/api/v2/integrations/actions/${id}/templates/successtemplate.vm`,
        },
      },
    });
  });

  it('accepts two actions with the same name, as Genesys does', async () => {
    const { call, integrationId } = await setup();
    const a = await call('POST', '/api/v2/integrations/actions', actionBody(integrationId));
    const b = await call('POST', '/api/v2/integrations/actions', actionBody(integrationId));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(str(a.body, 'id')).not.toBe(str(b.body, 'id'));
  });

  it('lists with paging, nextUri, category and partial name filters and sorting', async () => {
    const { call, integrationId } = await setup();
    for (const name of ['alpha', 'beta', 'gamma_tool', 'delta_tool']) {
      await call('POST', '/api/v2/integrations/actions', actionBody(integrationId, { name }));
    }
    await call(
      'POST',
      '/api/v2/integrations/actions',
      actionBody(integrationId, { name: 'other', category: 'Else' }),
    );
    const page1 = await call(
      'GET',
      '/api/v2/integrations/actions?pageSize=2&category=genesys-tools',
    );
    expect(page1.body).toMatchObject({ total: 4, pageCount: 2, pageNumber: 1, pageSize: 2 });
    expect(page1.body['nextUri']).toBe(
      '/api/v2/integrations/actions?category=genesys-tools&pageSize=2&pageNumber=2',
    );
    const page2 = await call('GET', str(page1.body, 'nextUri'));
    expect(page2.body['nextUri']).toBeUndefined();
    const names = [page1, page2].flatMap((p) =>
      (p.body['entities'] as { name: string }[]).map((e) => e.name),
    );
    expect(names).toEqual(['alpha', 'beta', 'delta_tool', 'gamma_tool']);
    const partial = await call('GET', '/api/v2/integrations/actions?name=TOOL&sortOrder=DESC');
    expect((partial.body['entities'] as { name: string }[]).map((e) => e.name)).toEqual([
      'gamma_tool',
      'delta_tool',
    ]);
  });

  it('refuses a bad pageSize with 400', async () => {
    const { call } = await setup();
    const res = await call('GET', '/api/v2/integrations/actions?pageSize=0');
    expect(res.status).toBe(400);
  });

  it('refuses an action for an integration that does not exist', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/v2/integrations/actions', actionBody('missing'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'bad.request',
      details: [{ fieldName: 'integrationId' }],
    });
  });
});

describe('data actions: contract checks (reference §7.3)', () => {
  it.each([
    [
      'a nested object input',
      {
        type: 'object',
        properties: { address: { type: 'object', properties: { city: { type: 'string' } } } },
      },
      'contract.input.inputSchema.properties.address.type',
      'Failed Validation of contract.input.inputSchema as a simple properties schema. Must be an Object with properties and no sub-objects.',
    ],
    [
      'an array input',
      { type: 'object', properties: { tags: { type: 'array' } } },
      'contract.input.inputSchema.properties.tags.type',
      'instance value ("array") not found in enum',
    ],
    [
      'a reserved input name',
      { type: 'object', properties: { rawRequest: { type: 'string' } } },
      'contract.input.inputSchema.properties.rawRequest',
      'reserved',
    ],
    [
      'a bad input name',
      { type: 'object', properties: { '1sku': { type: 'string' } } },
      'contract.input.inputSchema.properties.1sku',
      'does not match',
    ],
    [
      'a $ref',
      { type: 'object', properties: { a: { $ref: '#/definitions/x' } } },
      'contract.input.inputSchema.properties.a.$ref',
      '$ref is not supported',
    ],
    [
      'a non-object top level',
      { type: 'string' },
      'contract.input.inputSchema.type',
      'must be "object"',
    ],
  ])(
    'refuses %s with 400 bad.request and details',
    async (_case, inputSchema, fieldName, message) => {
      const { call, integrationId } = await setup();
      const res = await call(
        'POST',
        '/api/v2/integrations/actions',
        actionBody(integrationId, withInput(inputSchema)),
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'bad.request', status: 400 });
      expect(res.body['details']).toContainEqual({ errorCode: 'ACTION.PROCESSING', fieldName });
      expect(str(res.body, 'message')).toContain(message);
    },
  );

  it('refuses an output contract with an array of arrays', async () => {
    const { call, integrationId } = await setup();
    const body = actionBody(integrationId, {
      contract: {
        input: { inputSchema: { type: 'object', properties: {} } },
        output: {
          successSchema: {
            type: 'object',
            properties: {
              grid: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
            },
          },
        },
      },
    });
    const res = await call('POST', '/api/v2/integrations/actions', body);
    expect(res.status).toBe(400);
    expect(res.body['details']).toContainEqual({
      errorCode: 'ACTION.PROCESSING',
      fieldName: 'contract.output.successSchema.properties.grid.items',
    });
  });

  it('accepts draft-04 style schemas with $schema and id', async () => {
    const { call, integrationId } = await setup();
    const res = await call(
      'POST',
      '/api/v2/integrations/actions',
      actionBody(
        integrationId,
        withInput({
          $schema: 'http://json-schema.org/draft-04/schema#',
          id: 'x',
          type: 'object',
          properties: { a: { type: 'string' } },
        }),
      ),
    );
    expect(res.status).toBe(200);
  });
});

describe('data actions: versions, drafts, publish', () => {
  it('patches with the current version and answers 409 general.resource.conflict on a stale one', async () => {
    const { call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    const ok = await call('PATCH', `/api/v2/integrations/actions/${id}`, {
      version: 1,
      category: 'moved',
    });
    expect(ok.body).toMatchObject({ version: 2, category: 'moved' });
    const stale = await call('PATCH', `/api/v2/integrations/actions/${id}`, {
      version: 1,
      name: 'x',
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'general.resource.conflict', status: 409 });
  });

  it('refuses a contract change on a published action', async () => {
    const { call, integrationId } = await setup();
    const body = actionBody(integrationId);
    const id = str((await call('POST', '/api/v2/integrations/actions', body)).body, 'id');
    const res = await call('PATCH', `/api/v2/integrations/actions/${id}`, {
      version: 1,
      contract: body.contract,
    });
    expect(res.status).toBe(400);
    expect(str(res.body, 'message')).toContain('cannot be changed');
  });

  it('deletes an action and then answers 404', async () => {
    const { call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    expect((await call('DELETE', `/api/v2/integrations/actions/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v2/integrations/actions/${id}`)).status).toBe(404);
  });

  it('creates a draft, patches it, validates it and publishes it with its version', async () => {
    const { call, integrationId } = await setup();
    const withoutConfig = { ...actionBody(integrationId), config: undefined };
    const draft = await call('POST', '/api/v2/integrations/actions/drafts', withoutConfig);
    const id = str(draft.body, 'id');
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(404);
    const invalid = await call('GET', `/api/v2/integrations/actions/${id}/draft/validation`);
    expect(invalid.body).toMatchObject({ valid: false });
    const patched = await call('PATCH', `/api/v2/integrations/actions/${id}/draft`, {
      version: 1,
      config: actionBody(integrationId).config,
    });
    expect(patched.body).toMatchObject({ version: 2 });
    expect((await call('GET', `/api/v2/integrations/actions/${id}/draft/validation`)).body).toEqual(
      { valid: true, errors: [] },
    );
    const stale = await call('POST', `/api/v2/integrations/actions/${id}/draft/publish`, {
      version: 1,
    });
    expect(stale.status).toBe(409);
    const published = await call('POST', `/api/v2/integrations/actions/${id}/draft/publish`, {
      version: 2,
    });
    expect(published.body).toMatchObject({ id, version: 1 });
    expect((await call('GET', `/api/v2/integrations/actions/${id}/draft`)).status).toBe(404);
    const list = await call('GET', '/api/v2/integrations/actions');
    expect(list.body).toMatchObject({ total: 1 });
  });

  it('makes a draft of a published action, lists it among drafts and publishes a new version', async () => {
    const { call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    expect((await call('POST', `/api/v2/integrations/actions/${id}/draft`)).status).toBe(200);
    expect((await call('POST', `/api/v2/integrations/actions/${id}/draft`)).status).toBe(409);
    const drafts = await call('GET', '/api/v2/integrations/actions/drafts');
    expect(drafts.body).toMatchObject({ total: 1 });
    await call('PATCH', `/api/v2/integrations/actions/${id}/draft`, {
      version: 1,
      name: 'renamed',
    });
    const published = await call('POST', `/api/v2/integrations/actions/${id}/draft/publish`, {
      version: 2,
    });
    expect(published.body).toMatchObject({ name: 'renamed', version: 2 });
  });

  it('refuses a contract change in the draft of a published action', async () => {
    const { call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    await call('POST', `/api/v2/integrations/actions/${id}/draft`);
    const res = await call('PATCH', `/api/v2/integrations/actions/${id}/draft`, {
      version: 1,
      ...withInput({ type: 'object', properties: { other: { type: 'string' } } }),
    });
    expect(res.status).toBe(400);
  });

  it('deletes a draft and keeps the published action', async () => {
    const { call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    await call('POST', `/api/v2/integrations/actions/${id}/draft`);
    expect((await call('DELETE', `/api/v2/integrations/actions/${id}/draft`)).status).toBe(204);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(200);
  });
});

describe('data actions: templates', () => {
  it('returns requesttemplate.vm and successtemplate.vm as text, 404 for other names', async () => {
    const { emulator, call, integrationId } = await setup();
    const id = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    const token = await tokenFor(emulator);
    const get = (file: string) =>
      emulator.app.inject({
        method: 'GET',
        url: `/api/v2/integrations/actions/${id}/templates/${file}`,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await get('requesttemplate.vm')).body).toBe(
      '{"tool_name": "check_inventory", "parameters": ${input.rawRequest}}',
    );
    expect((await get('successtemplate.vm')).body).toBe('${output}');
    expect((await get('other.vm')).statusCode).toBe(404);
  });
});
