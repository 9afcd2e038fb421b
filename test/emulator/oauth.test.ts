import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { fakeClock } from '../support/fake-clock.js';
import { startEmulator } from '../support/emulator.js';
import { anyString, basic, tokenFor } from './helpers.js';

async function emulatorWith(...args: Parameters<typeof createEmulator>) {
  const emulator = await createEmulator(...args);
  onTestFinished(() => emulator.close());
  return emulator;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('OAuth client credentials', () => {
  it('issues a bearer token for the default client with Basic auth and a form body', async () => {
    const emulator = await emulatorWith();
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { ...form, authorization: basic('emulator-client', 'emulator-secret') },
      payload: 'grant_type=client_credentials',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      access_token: anyString,
      token_type: 'bearer',
      expires_in: 86399,
    });
    expect(res.headers['inin-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a wrong secret', basic('emulator-client', 'nope')],
    ['an unknown client', basic('someone', 'emulator-secret')],
    ['no Authorization header', undefined],
  ])('answers 401 invalid_client for %s', async (_case, authorization) => {
    const emulator = await emulatorWith();
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { ...form, ...(authorization === undefined ? {} : { authorization }) },
      payload: 'grant_type=client_credentials',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: 'invalid_client',
      description: 'authentication failed',
      error_description: 'authentication failed',
    });
  });

  it('refuses another grant type with unsupported_grant_type', async () => {
    const emulator = await emulatorWith();
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { ...form, authorization: basic('emulator-client', 'emulator-secret') },
      payload: 'grant_type=password',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('lets a token expire after its lifetime on the injected clock', async () => {
    const clock = fakeClock();
    const emulator = await emulatorWith({ tokenLifetimeSeconds: 300 }, { clock });
    const token = await tokenFor(emulator);
    const call = () =>
      emulator.app.inject({
        method: 'GET',
        url: '/api/v2/integrations',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await call()).statusCode).toBe(200);
    await clock.advance(300_000);
    const expired = await call();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'bad.credentials', status: 401 });
  });

  it('uses the per-client token lifetime of a client added later', async () => {
    const emulator = await emulatorWith();
    emulator.addClient({ id: 'short', secret: 'short-secret', tokenLifetimeSeconds: 600 });
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { ...form, authorization: basic('short', 'short-secret') },
      payload: 'grant_type=client_credentials',
    });
    expect(res.json()).toMatchObject({ expires_in: 600 });
  });

  it('serves the token endpoint and the API on one real base URL', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const tokenRes = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { ...form, authorization: basic(clientId, clientSecret) },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const res = await fetch(`${url}/api/v2/integrations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('platform conventions', () => {
  it.each([
    ['no token', undefined, 'authentication.required'],
    ['an unknown token', 'Bearer not-a-token', 'bad.credentials'],
    ['a Basic header', basic('emulator-client', 'emulator-secret'), 'authentication.required'],
  ])('answers 401 with an ErrorBody for %s', async (_case, authorization, code) => {
    const emulator = await emulatorWith();
    const res = await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/integrations/actions',
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(res.statusCode).toBe(401);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ code, status: 401, message: anyString });
    expect(body['contextId']).toBe(res.headers['inin-correlation-id']);
  });

  it('answers 403 missing.any.permissions naming the permission the client lacks', async () => {
    const emulator = await emulatorWith({
      clients: [
        { id: 'viewer', secret: 'viewer-secret', permissions: ['integrations:action:view'] },
      ],
    });
    const token = await tokenFor(emulator, 'viewer', 'viewer-secret');
    const res = await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/integrations',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'missing.any.permissions', status: 403 });
    expect(res.json<{ message: string }>().message).toContain('integrations:integration:view');
  });

  it('answers 404 not.found with an ErrorBody for an unknown path', async () => {
    const emulator = await emulatorWith();
    const token = await tokenFor(emulator);
    const res = await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/nothing/here',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not.found', status: 404 });
    expect(res.headers['inin-correlation-id']).toBeDefined();
  });

  it.each([
    ['broken JSON', 'application/json', '{"name": '],
    ['a wrong content type', 'text/plain', 'hello'],
    [
      'unknown fields',
      'application/json',
      JSON.stringify({ name: 'x', integrationType: { id: 'custom-rest-actions' }, colour: 'red' }),
    ],
  ])('answers a Genesys-style 400 for %s', async (_case, contentType, payload) => {
    const emulator = await emulatorWith();
    const token = await tokenFor(emulator);
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/api/v2/integrations',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'bad.request',
      status: 400,
      message: anyString,
      contextId: anyString,
    });
  });

  it('answers a malformed URL with a Genesys-style 400 and a correlation id', async () => {
    const emulator = await emulatorWith();
    const res = await emulator.app.inject({ method: 'GET', url: '/api/v2/%' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad.request', status: 400 });
    expect(res.headers['inin-correlation-id']).toBeDefined();
  });

  it('answers 413 request.entity.too.large over 512,000 bytes on a real socket', async () => {
    const { url, emulator } = await startEmulator();
    const token = await tokenFor(emulator);
    const body = JSON.stringify({
      name: 'x'.repeat(512_001),
      integrationType: { id: 'custom-rest-actions' },
    });
    const res = await fetch(`${url}/api/v2/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'request.entity.too.large', status: 413 });
  });

  it('logs each call with method, path, query, status, client and correlation id', async () => {
    const clock = fakeClock(1_000_000);
    const emulator = await emulatorWith({}, { clock });
    const token = await tokenFor(emulator);
    await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/integrations?pageSize=5',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(emulator.calls.map((c) => [c.method, c.path, c.status, c.clientId])).toEqual([
      ['POST', '/oauth/token', 200, 'emulator-client'],
      ['GET', '/api/v2/integrations', 200, 'emulator-client'],
    ]);
    expect(emulator.calls[1]).toMatchObject({ query: { pageSize: '5' }, atMs: 1_000_000 });
    emulator.clearCalls();
    expect(emulator.calls).toEqual([]);
  });

  it('refuses unknown options with CONFIG_INVALID', async () => {
    await expect(createEmulator({ colour: 'red' } as never)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
