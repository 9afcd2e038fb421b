import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { createEmulator } from '../../src/emulator/index.js';
import { fakeClock } from '../support/fake-clock.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';
import type { TargetHandler } from './target-server.js';
import { json, startTarget } from './target-server.js';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return `http://127.0.0.1:${String(port)}`;
}

const TOOL_TOKEN = 'tool-bearer-token-1234';

async function setup(
  options: { credential?: Record<string, unknown>; enable?: boolean; deps?: Partial<Deps> } = {},
) {
  const emulator = await createEmulator({ organizationId: 'org-1' }, options.deps ?? {});
  onTestFinished(() => emulator.close());
  const call = api(emulator, await tokenFor(emulator));
  const integrationId = await createIntegration(call);
  const credential = await call(
    'POST',
    '/api/v2/integrations/credentials',
    options.credential ?? {
      name: 'tool',
      type: { name: 'userDefined' },
      credentialFields: { token: TOOL_TOKEN },
    },
  );
  await call('PUT', `/api/v2/integrations/${integrationId}/config/current`, {
    name: 'Tool backend',
    version: 1,
    credentials: { basicAuth: { id: str(credential.body, 'id') } },
  });
  if (options.enable !== false)
    await call('PATCH', `/api/v2/integrations/${integrationId}`, { intendedState: 'ENABLED' });
  return { emulator, call, integrationId };
}

async function projectAction(
  call: ReturnType<typeof api>,
  integrationId: string,
  targetUrl: string,
  overrides: Record<string, unknown> = {},
) {
  const base = actionBody(integrationId);
  const body = {
    ...base,
    config: {
      ...base.config,
      request: {
        ...base.config.request,
        requestUrlTemplate: `${targetUrl}/api/v1/tools/check_inventory`,
      },
    },
    ...overrides,
  };
  const res = await call('POST', '/api/v2/integrations/actions', body);
  if (res.status !== 200) throw new Error(res.raw);
  return str(res.body, 'id');
}

const toolSuccess: TargetHandler = (req, res) => {
  const parsed = JSON.parse(req.body) as { parameters: { sku: string } };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      status: 'success',
      output: { sku: parsed.parameters.sku, inventory_level: 42 },
      metadata: { tool_name: 'check_inventory' },
    }),
  );
};

describe('execute with the project request template', () => {
  it('renders the envelope, sends the credential and ININ headers, and maps $.output', async () => {
    const target = await startTarget(toolSuccess);
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, {
      sku: 'A"1',
      count: 3,
      note: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sku: 'A"1', inventory_level: 42 });
    const sent = target.received[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/api/v1/tools/check_inventory');
    expect(JSON.parse(sent.body)).toEqual({
      tool_name: 'check_inventory',
      parameters: { sku: 'A"1', count: 3 },
    });
    expect(sent.headers['authorization']).toBe(`Bearer ${TOOL_TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['inin-correlation-id']).toBe(res.headers['inin-correlation-id']);
    expect(sent.headers['inin-organization-id']).toBe('org-1');
  });

  it('adds Basic auth from a basicAuth credential', async () => {
    const target = await startTarget(toolSuccess);
    const { call, integrationId } = await setup({
      credential: {
        name: 'b',
        type: { name: 'basicAuth' },
        credentialFields: { userName: 'svc', password: 'pw-secret' },
      },
    });
    const base = actionBody(integrationId);
    const id = await projectAction(call, integrationId, target.url, {
      config: {
        ...base.config,
        request: {
          ...base.config.request,
          requestUrlTemplate: `${target.url}/x`,
          headers: { 'Content-Type': 'application/json' },
        },
      },
    });
    await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(target.received[0]!.headers['authorization']).toBe(
      `Basic ${Buffer.from('svc:pw-secret').toString('base64')}`,
    );
  });
});

describe("execute with the reference's example (§7.2)", () => {
  async function referenceAction(targetUrl: string) {
    const ctx = await setup();
    const body = actionBody(ctx.integrationId, {
      contract: {
        input: {
          inputSchema: {
            type: 'object',
            properties: { sku: { type: 'string' } },
            required: ['sku'],
            additionalProperties: true,
          },
        },
        output: {
          successSchema: {
            type: 'object',
            properties: { level: { type: 'integer' } },
            additionalProperties: true,
          },
        },
      },
      config: {
        timeoutSeconds: 10,
        request: {
          requestUrlTemplate: `${targetUrl}/inventory/\${esc.url($input.sku)}`,
          requestType: 'GET',
          headers: { 'Content-Type': 'application/json' },
          requestTemplate: '${input.rawRequest}',
        },
        response: {
          translationMap: { level: '$.inventory_level' },
          translationMapDefaults: { level: '0' },
          successTemplate: '{ "level": ${level} }',
        },
      },
    });
    const res = await ctx.call('POST', '/api/v2/integrations/actions', body);
    return { ...ctx, id: str(res.body, 'id') };
  }

  it('URL-escapes the input in the path, sends no body for GET and maps the level', async () => {
    const target = await startTarget(json(200, { inventory_level: 7 }));
    const { call, id } = await referenceAction(target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A 1/2' });
    expect(res.body).toEqual({ level: 7 });
    expect(target.received[0]).toMatchObject({
      method: 'GET',
      url: '/inventory/A%201%2F2',
      body: '',
    });
  });

  it('uses translationMapDefaults when the path finds nothing', async () => {
    const target = await startTarget(json(200, {}));
    const { call, id } = await referenceAction(target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'B' });
    expect(res.body).toEqual({ level: 0 });
  });
});

describe('execute failures (reference §8.3)', () => {
  it('answers 504 request.timeout when the endpoint passes timeoutSeconds', async () => {
    const clock = fakeClock();
    const target = await startTarget(() => undefined);
    const { call, integrationId } = await setup({ deps: { clock } });
    const id = await projectAction(call, integrationId, target.url);
    const pending = call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    await target.waitFor(1);
    await clock.advance(5_000);
    const res = await pending;
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({
      code: 'request.timeout',
      details: [{ errorCode: 'ACTION.REMOTE_ENDPOINT' }],
      errors: [{ code: 'REQUEST_TIMEOUT' }],
    });
  });

  it('mirrors a non-2xx answer with the remote body in the nested message', async () => {
    const target = await startTarget(json(404, { status: 'error', error_code: 'UNKNOWN_TOOL' }));
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 'not.found',
      details: [{ errorCode: 'ACTION.REMOTE_ENDPOINT' }],
      errors: [{ code: 'NOT_FOUND' }],
    });
    expect(str(res.body, 'message')).toMatch(
      /^REST call for action execute failed\. Message: .*Response from web service: .*UNKNOWN_TOOL.*\[[0-9a-f-]{36}\]$/,
    );
  });

  it('answers 400 ACTION.REMOTE_ENDPOINT for a non-JSON answer without echoing it', async () => {
    const target = await startTarget((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>secret page</html>');
    });
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'bad.request',
      details: [{ errorCode: 'ACTION.REMOTE_ENDPOINT' }],
    });
    expect(res.raw).not.toContain('secret page');
  });

  it('answers 500 Connection refused when nothing listens', async () => {
    const closed = await closedPortUrl();
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, closed);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      code: 'internal.server.error',
      details: [{ errorCode: 'ACTION.REMOTE_ENDPOINT' }],
    });
    expect(str(res.body, 'message')).toContain('Connection refused');
  });

  it('answers 400 ACTION.PROCESSING when a translation finds nothing and has no default', async () => {
    const target = await startTarget(json(200, { status: 'success' }));
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      details: [
        { errorCode: 'ACTION.PROCESSING' },
        { fieldName: 'config.response.translationMap.output' },
      ],
      errors: [{ code: 'INVALID_TRANSLATION' }],
    });
    expect(str(res.body, 'message')).toContain("'output'");
  });

  it('answers 400 SCHEMA_VALIDATION_FAILED when the output breaks successSchema', async () => {
    const target = await startTarget(json(200, { output: { sku: 5, inventory_level: 'many' } }));
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'bad.request',
      errors: [{ code: 'SCHEMA_VALIDATION_FAILED' }],
    });
    expect(res.body['details']).toContainEqual({
      errorCode: 'ACTION.PROCESSING',
      fieldName: 'output.inventory_level',
    });
  });

  it('refuses inputs that break the input contract before calling the endpoint', async () => {
    const target = await startTarget(toolSuccess);
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, {
      count: 'three',
    });
    expect(res.status).toBe(400);
    expect(res.body['details']).toContainEqual({ errorCode: 'INVALID_INPUT', fieldName: 'sku' });
    expect(target.received).toHaveLength(0);
  });

  it('refuses to execute an action of a disabled integration with a clear 400', async () => {
    const target = await startTarget(toolSuccess);
    const { call, integrationId } = await setup({ enable: false });
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' });
    expect(res.status).toBe(400);
    expect(str(res.body, 'message')).toContain('is not enabled');
    expect(target.received).toHaveLength(0);
  });

  it('answers 404 for an unknown action', async () => {
    const { call } = await setup();
    expect((await call('POST', '/api/v2/integrations/actions/nope/execute', {})).status).toBe(404);
  });
});

describe('test mode', () => {
  it('returns every step with success and redacts the credential', async () => {
    const target = await startTarget((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          output: { sku: 'A1', inventory_level: 1 },
          echo: req.headers['authorization'],
        }),
      );
    });
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/test`, { sku: 'A1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      finalResult: { sku: 'A1', inventory_level: 1 },
    });
    const names = (res.body['operations'] as { name: string; success: boolean }[]).map((o) => [
      o.name,
      o.success,
    ]);
    expect(names).toEqual([
      ['Resolve inputs', true],
      ['Resolve request', true],
      ['Execute request', true],
      ['Parse response', true],
      ['Resolve translation map', true],
      ['Resolve success template', true],
      ['Validate output', true],
    ]);
    expect(res.raw).not.toContain(TOOL_TOKEN);
  });

  it('reports a failed run as 200 with success false and the failing step', async () => {
    const target = await startTarget(json(500, { status: 'error' }));
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/test`, { sku: 'A1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, error: { code: 'internal.server.error' } });
    const ops = res.body['operations'] as { name: string; success: boolean }[];
    expect(ops.at(-1)).toMatchObject({ name: 'Parse response', success: false });
  });

  it('tests a draft', async () => {
    const target = await startTarget(toolSuccess);
    const { call, integrationId } = await setup();
    const id = await projectAction(call, integrationId, target.url);
    await call('POST', `/api/v2/integrations/actions/${id}/draft`);
    const res = await call('POST', `/api/v2/integrations/actions/${id}/draft/test`, { sku: 'A1' });
    expect(res.body).toMatchObject({ success: true });
  });
});
