import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { api, createIntegration, str, tokenFor } from './helpers.js';

async function setup() {
  const emulator = await createEmulator();
  onTestFinished(() => emulator.close());
  return api(emulator, await tokenFor(emulator));
}

describe('integrations', () => {
  it('creates a custom-rest-actions integration that starts DISABLED and lists it', async () => {
    const call = await setup();
    const id = await createIntegration(call);
    const got = await call('GET', `/api/v2/integrations/${id}`);
    expect(got.body).toMatchObject({
      id,
      name: 'Tool backend',
      intendedState: 'DISABLED',
      integrationType: { id: 'custom-rest-actions' },
    });
    const list = await call('GET', '/api/v2/integrations');
    expect(list.body).toMatchObject({ total: 1, pageNumber: 1, pageSize: 25, pageCount: 1 });
  });

  it('enables an integration with PATCH intendedState, reported ACTIVATING then ACTIVE', async () => {
    const call = await setup();
    const id = await createIntegration(call);
    const res = await call('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' });
    expect(res.body).toMatchObject({
      intendedState: 'ENABLED',
      reportedState: { code: 'ACTIVATING' },
    });
    const first = await call('GET', `/api/v2/integrations/${id}`);
    const second = await call('GET', `/api/v2/integrations/${id}`);
    expect(first.body).toMatchObject({ reportedState: { code: 'ACTIVATING' } });
    expect(second.body).toMatchObject({ reportedState: { code: 'ACTIVE' } });
  });

  it('answers 404 for an unknown integration', async () => {
    const call = await setup();
    const res = await call('GET', '/api/v2/integrations/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not.found' });
  });

  it('refuses an unknown integration type with 400', async () => {
    const call = await setup();
    const res = await call('POST', '/api/v2/integrations', {
      name: 'x',
      integrationType: { id: 'magic' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'bad.request',
      details: [{ fieldName: 'integrationType.id' }],
    });
  });

  it('puts config/current with the current version and answers 409 on a stale one', async () => {
    const call = await setup();
    const id = await createIntegration(call);
    const cred = await call('POST', '/api/v2/integrations/credentials', {
      name: 'tool-backend',
      type: { name: 'userDefined' },
      credentialFields: { token: 'sekrit-token' },
    });
    const current = await call('GET', `/api/v2/integrations/${id}/config/current`);
    expect(current.body).toMatchObject({ version: 1, credentials: {} });
    const config = {
      name: 'Tool backend',
      version: 1,
      properties: {},
      advanced: {},
      notes: '',
      credentials: { basicAuth: { id: str(cred.body, 'id') } },
    };
    const put = await call('PUT', `/api/v2/integrations/${id}/config/current`, config);
    expect(put.body).toMatchObject({
      version: 2,
      credentials: { basicAuth: { id: str(cred.body, 'id') } },
    });
    const stale = await call('PUT', `/api/v2/integrations/${id}/config/current`, config);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'general.resource.conflict' });
  });

  it('refuses a config naming a credential that does not exist', async () => {
    const call = await setup();
    const id = await createIntegration(call);
    const res = await call('PUT', `/api/v2/integrations/${id}/config/current`, {
      name: 'Tool backend',
      version: 1,
      credentials: { basicAuth: { id: 'missing' } },
    });
    expect(res.status).toBe(400);
  });
});

describe('credentials', () => {
  it('never returns secret values on create, get or list', async () => {
    const call = await setup();
    const created = await call('POST', '/api/v2/integrations/credentials', {
      name: 'basic',
      type: { name: 'basicAuth' },
      credentialFields: { userName: 'svc', password: 'p4ssw0rd-secret' },
    });
    const id = str(created.body, 'id');
    const got = await call('GET', `/api/v2/integrations/credentials/${id}`);
    const list = await call('GET', '/api/v2/integrations/credentials');
    for (const res of [created, got, list]) expect(res.raw).not.toContain('p4ssw0rd-secret');
    expect(got.body).toMatchObject({
      name: 'basic',
      type: { name: 'basicAuth' },
      credentialFields: { userName: '*****', password: '*****' },
    });
  });

  it('updates and deletes a credential', async () => {
    const call = await setup();
    const created = await call('POST', '/api/v2/integrations/credentials', {
      name: 'ud',
      type: { name: 'userDefined' },
      credentialFields: { token: 'a' },
    });
    const id = str(created.body, 'id');
    const put = await call('PUT', `/api/v2/integrations/credentials/${id}`, {
      name: 'ud2',
      type: { name: 'userDefined' },
      credentialFields: { token: 'b' },
    });
    expect(put.body).toMatchObject({ name: 'ud2' });
    expect((await call('DELETE', `/api/v2/integrations/credentials/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v2/integrations/credentials/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v2/integrations/credentials/${id}`)).status).toBe(404);
  });

  it.each([
    ['an unknown type', { name: 'x', type: { name: 'hmac' }, credentialFields: {} }],
    [
      'basicAuth without userName',
      { name: 'x', type: { name: 'basicAuth' }, credentialFields: { password: 'p' } },
    ],
    ['a missing name', { type: { name: 'userDefined' }, credentialFields: {} }],
  ])('refuses %s with 400', async (_case, body) => {
    const call = await setup();
    const res = await call('POST', '/api/v2/integrations/credentials', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad.request' });
  });
});
