import { describe, expect, it } from 'vitest';
import { actionBody, str } from './helpers.js';
import { configOf, fakeToolFetch, strictSetup } from './strict-helpers.js';

const REQUEST_TEMPLATE = '{"tool_name": "check_inventory", "parameters": ${input.rawRequest}}';

function expectTemplatesAsUris(body: Record<string, unknown>, base: string): void {
  const { request, response } = configOf(body);
  expect(request['requestTemplateUri']).toBe(`${base}/templates/requesttemplate.vm`);
  expect(response['successTemplateUri']).toBe(`${base}/templates/successtemplate.vm`);
  expect(request).not.toHaveProperty('requestTemplate');
  expect(response).not.toHaveProperty('successTemplate');
}

describe('strict emulator: templates only as URIs (reference §10.1)', () => {
  it('answers GET, the listing and PATCH with template URIs and no inline templates', async () => {
    const { call, create } = await strictSetup();
    const id = await create();
    const base = `/api/v2/integrations/actions/${id}`;
    const single = await call('GET', `${base}?expand=contract&includeConfig=true`);
    expectTemplatesAsUris(single.body, base);
    const listing = await call('GET', '/api/v2/integrations/actions?includeConfig=true');
    const entities = listing.body['entities'] as Record<string, unknown>[];
    expect(entities).toHaveLength(1);
    expectTemplatesAsUris(entities[0]!, base);
    const patched = await call('PATCH', base, { version: 1, name: 'renamed' });
    expect(patched.status).toBe(200);
    expectTemplatesAsUris(patched.body, base);
  });

  it('answers the POST itself with template URIs', async () => {
    const { call, integrationId } = await strictSetup();
    const res = await call('POST', '/api/v2/integrations/actions', actionBody(integrationId));
    const id = str(res.body, 'id');
    expectTemplatesAsUris(res.body, `/api/v2/integrations/actions/${id}`);
  });

  it.each([['*/*'], ['application/json'], ['text/plain']])(
    'serves the template text with Accept %s',
    async (accept) => {
      const { create, getText } = await strictSetup();
      const id = await create();
      const base = `/api/v2/integrations/actions/${id}/templates`;
      const request = await getText(`${base}/requesttemplate.vm`, accept);
      expect(request.status).toBe(200);
      expect(request.type).toMatch(/^text\/plain/);
      expect(request.text).toBe(REQUEST_TEMPLATE);
      expect((await getText(`${base}/successtemplate.vm`, accept)).text).toBe('${output}');
      expect((await getText(`${base}/other.vm`, accept)).status).toBe(404);
    },
  );

  it('gives drafts template URIs under /draft and serves their text', async () => {
    const { call, integrationId, getText } = await strictSetup();
    const res = await call(
      'POST',
      '/api/v2/integrations/actions/drafts',
      actionBody(integrationId),
    );
    expect(res.status).toBe(200);
    const id = str(res.body, 'id');
    const base = `/api/v2/integrations/actions/${id}/draft`;
    expectTemplatesAsUris(res.body, base);
    const got = await call('GET', `${base}?includeConfig=true`);
    expectTemplatesAsUris(got.body, base);
    const text = await getText(`${base}/templates/requesttemplate.vm`, '*/*');
    expect(text.status).toBe(200);
    expect(text.text).toBe(REQUEST_TEMPLATE);
    const schema = await call('GET', `${base}/schemas/inputschema.json`);
    expect(schema.body).toMatchObject({ properties: { sku: { type: 'string' } } });
  });

  it('still renders the stored request template when the action is executed', async () => {
    const tool = fakeToolFetch();
    const { call, create } = await strictSetup({}, { fetch: tool.fetch });
    const id = await create();
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sku: 'A1', inventory_level: 3 });
    expect(JSON.parse(tool.calls[0]!.body)).toEqual({
      tool_name: 'check_inventory',
      parameters: { sku: 'A1' },
    });
  });
});

describe('strict emulator: listings (reference §10.1)', () => {
  it('ignores expand=contract on the listing but honours it on a single GET', async () => {
    const { call, create } = await strictSetup();
    const id = await create();
    const listing = await call('GET', '/api/v2/integrations/actions?expand=contract');
    const entity = (listing.body['entities'] as Record<string, unknown>[])[0]!;
    expect(entity['contract']).toEqual({
      input: { inputSchemaUri: `/api/v2/integrations/actions/${id}/schemas/inputschema.json` },
      output: {
        successSchemaUri: `/api/v2/integrations/actions/${id}/schemas/successschema.json`,
      },
    });
    const single = await call('GET', `/api/v2/integrations/actions/${id}?expand=contract`);
    expect(single.body['contract']).toMatchObject({
      input: { inputSchema: { properties: { sku: { type: 'string' } } } },
    });
  });

  it('ignores expand=contract on the drafts listing too', async () => {
    const { call, integrationId } = await strictSetup();
    await call('POST', '/api/v2/integrations/actions/drafts', actionBody(integrationId));
    const listing = await call('GET', '/api/v2/integrations/actions/drafts?expand=contract');
    const entity = (listing.body['entities'] as Record<string, unknown>[])[0]!;
    expect(JSON.stringify(entity['contract'])).not.toContain('inputSchema"');
  });

  it('gives pageCount on every page and nextUri on all but the last', async () => {
    const { call, create } = await strictSetup();
    for (const name of ['a', 'b', 'c']) await create({ name });
    const first = await call('GET', '/api/v2/integrations/actions?pageSize=2&pageNumber=1');
    const last = await call('GET', '/api/v2/integrations/actions?pageSize=2&pageNumber=2');
    const past = await call('GET', '/api/v2/integrations/actions?pageSize=2&pageNumber=3');
    expect(first.body).toMatchObject({ pageCount: 2, total: 3, pageNumber: 1 });
    expect(first.body['nextUri']).toContain('pageNumber=2');
    expect(last.body).toMatchObject({ pageCount: 2, pageNumber: 2 });
    expect(last.body).not.toHaveProperty('nextUri');
    expect(past.body).toMatchObject({ entities: [], pageCount: 2 });
  });
});

describe('strict emulator: input types (reference §10.2)', () => {
  const enumText =
    'not found in enum (possible values: ["boolean","integer","null","number","string"])';
  const path = '@/properties/properties/patternProperties/^[a-zA-Z][a-zA-Z0-9_-]*$/properties/type';

  it.each([
    ['a nullable type list', ['string', 'null'], 'instance value (["string","null"])'],
    ['a nested object', 'object', 'instance value ("object")'],
    ['an unknown type', 'date', 'instance value ("date")'],
  ])('refuses %s with 400 and the platform message', async (_label, type, instance) => {
    const { call, integrationId } = await strictSetup();
    const body = actionBody(integrationId, {
      contract: {
        input: { inputSchema: { type: 'object', properties: { sku: { type } } } },
        output: { successSchema: { type: 'object', properties: {} } },
      },
    });
    const res = await call('POST', '/api/v2/integrations/actions', body);
    expect(res.status).toBe(400);
    expect(res.body['code']).toBe('bad.request');
    const message = str(res.body, 'message');
    expect(message).toContain(`${instance} ${enumText}`);
    expect(message).toContain(path);
    expect(res.body['details']).toContainEqual({
      errorCode: 'ACTION.PROCESSING',
      fieldName: 'contract.input.inputSchema.properties.sku.type',
    });
    const listing = await call('GET', '/api/v2/integrations/actions');
    expect(listing.body['total']).toBe(0);
  });

  it('accepts each of the five single types', async () => {
    const { call, integrationId } = await strictSetup();
    const properties = Object.fromEntries(
      ['boolean', 'integer', 'null', 'number', 'string'].map((t) => [`in_${t}`, { type: t }]),
    );
    const res = await call(
      'POST',
      '/api/v2/integrations/actions',
      actionBody(integrationId, {
        contract: {
          input: { inputSchema: { type: 'object', properties } },
          output: { successSchema: { type: 'object', properties: {} } },
        },
      }),
    );
    expect(res.status).toBe(200);
  });
});

describe('strict emulator: unique action names (option, reference §10.5)', () => {
  it('accepts a duplicate name by default', async () => {
    const { create } = await strictSetup();
    await create();
    await expect(create()).resolves.toEqual(expect.any(String));
  });

  it('with uniqueActionNames refuses a duplicate on POST, on PATCH and on publish', async () => {
    const { call, integrationId, create } = await strictSetup({ uniqueActionNames: true });
    const firstId = await create({ name: 'lookup' });
    const dup = await call(
      'POST',
      '/api/v2/integrations/actions',
      actionBody(integrationId, { name: 'lookup' }),
    );
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({
      code: 'bad.request',
      details: [{ errorCode: 'DUPLICATE_NAME', fieldName: 'name', entityId: firstId }],
    });
    expect(str(dup.body, 'message')).toBe(
      `An action with name "lookup" already exists in integration ${integrationId} (action ${firstId}).`,
    );
    const otherId = await create({ name: 'other' });
    const rename = await call('PATCH', `/api/v2/integrations/actions/${otherId}`, {
      version: 1,
      name: 'lookup',
    });
    expect(rename.status).toBe(400);
    const keep = await call('PATCH', `/api/v2/integrations/actions/${firstId}`, {
      version: 1,
      name: 'lookup',
    });
    expect(keep.status).toBe(200);
    const draft = await call(
      'POST',
      '/api/v2/integrations/actions/drafts',
      actionBody(integrationId, { name: 'lookup' }),
    );
    const publish = await call(
      'POST',
      `/api/v2/integrations/actions/${str(draft.body, 'id')}/draft/publish`,
      { version: 1 },
    );
    expect(publish.status).toBe(400);
    const listing = await call('GET', '/api/v2/integrations/actions?name=lookup');
    expect(listing.body['total']).toBe(1);
  });

  it('with uniqueActionNames still allows the same name in another integration', async () => {
    const { call, create } = await strictSetup({ uniqueActionNames: true });
    await create({ name: 'lookup' });
    const second = await call('POST', '/api/v2/integrations', {
      name: 'Second',
      integrationType: { id: 'custom-rest-actions' },
    });
    const res = await call(
      'POST',
      '/api/v2/integrations/actions',
      actionBody(str(second.body, 'id'), { name: 'lookup' }),
    );
    expect(res.status).toBe(200);
  });
});

describe('strict emulator: reportedState goes through ACTIVATING (reference §7.0)', () => {
  it('answers ACTIVATING on enabling and the next GET, ACTIVE after; listings do not move it on', async () => {
    const { call } = await strictSetup();
    const created = await call('POST', '/api/v2/integrations', {
      name: 'Fresh',
      integrationType: { id: 'custom-rest-actions' },
    });
    const id = str(created.body, 'id');
    const code = (body: Record<string, unknown>): unknown =>
      (body['reportedState'] as { code: string }).code;
    const listed = async (): Promise<unknown> => {
      const res = await call('GET', '/api/v2/integrations');
      const entities = res.body['entities'] as Record<string, unknown>[];
      return code(entities.find((e) => e['id'] === id)!);
    };
    expect(code(created.body)).toBe('INACTIVE');
    const enabled = await call('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' });
    expect(code(enabled.body)).toBe('ACTIVATING');
    expect(await listed()).toBe('ACTIVATING');
    expect(await listed()).toBe('ACTIVATING');
    expect(code((await call('GET', `/api/v2/integrations/${id}`)).body)).toBe('ACTIVATING');
    expect(code((await call('GET', `/api/v2/integrations/${id}`)).body)).toBe('ACTIVE');
    expect(await listed()).toBe('ACTIVE');
    const renamed = await call('PATCH', `/api/v2/integrations/${id}`, { name: 'Renamed' });
    expect(code(renamed.body)).toBe('ACTIVE');
    const disabled = await call('PATCH', `/api/v2/integrations/${id}`, {
      intendedState: 'DISABLED',
    });
    expect(code(disabled.body)).toBe('INACTIVE');
  });
});
