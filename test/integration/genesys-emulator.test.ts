import { describe, expect, it } from 'vitest';
import {
  GenesysAuthError,
  GenesysConflictError,
  GenesysForbiddenError,
  GenesysNotFoundError,
  GenesysValidationError,
} from '../../src/errors.js';
import type { Deps } from '../../src/deps.js';
import { createGenesysClient, userDefinedCredential } from '../../src/genesys/index.js';
import type {
  ClientEvent,
  GenesysClient,
  GenesysClientOptions,
  PostActionInputWire,
} from '../../src/genesys/index.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { startEmulator } from '../support/emulator.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { countingFetch, drive } from '../genesys/support/drive.js';
import { startScriptServer } from '../genesys/support/script-server.js';

interface Setup {
  readonly client: GenesysClient;
  readonly clock: FakeClock;
  readonly events: ClientEvent[];
  readonly emulator: Awaited<ReturnType<typeof startEmulator>>;
  run<T>(work: Promise<T>): Promise<T>;
  clientFor(options: Partial<GenesysClientOptions>): GenesysClient;
}

async function setup(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<GenesysClientOptions> = {},
): Promise<Setup> {
  const clock = fakeClock();
  const emulator = await startEmulator(emulatorOptions, { clock });
  const counting = countingFetch();
  const events: ClientEvent[] = [];
  const deps: Partial<Deps> = { clock, fetch: counting.fetch, random: () => 0.5 };
  const clientFor = (options: Partial<GenesysClientOptions>): GenesysClient =>
    createGenesysClient(
      {
        apiUrl: emulator.url,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        requestTimeoutMs: 600_000,
        deadlineMs: 3_600_000,
        onEvent: (e) => events.push(e),
        ...options,
      },
      deps,
    );
  return {
    client: clientFor(clientOptions),
    clock,
    events,
    emulator,
    clientFor,
    run: (work) => drive(work, clock, { inFlight: counting.inFlight, stepMs: 5_000 }),
  };
}

function action(
  name: string,
  integrationId: string,
  category = 'genesys-tools',
  url = 'http://127.0.0.1:9/api/v1/tools/check_inventory',
): PostActionInputWire {
  return {
    name,
    category,
    integrationId,
    contract: {
      input: {
        inputSchema: {
          type: 'object',
          properties: { sku: { type: 'string' } },
          required: ['sku'],
        },
      },
      output: { successSchema: { type: 'object', properties: {} } },
    },
    config: {
      request: {
        requestUrlTemplate: url,
        requestType: 'POST',
        headers: { 'content-type': 'application/json' },
        requestTemplate: '${input.rawRequest}',
      },
      response: { translationMap: {}, successTemplate: '${rawResult}' },
    },
  };
}

async function integration(s: Setup): Promise<string> {
  const created = await s.run(s.client.integrations.create({ name: 'Tool backend' }));
  return created.id;
}

describe('client against the emulator', () => {
  it('sets up an integration with a credential and enables it', async () => {
    const s = await setup();
    const { integrations, credentials } = s.client;
    expect(await s.run(integrations.findByName('Tool backend'))).toBeUndefined();
    const id = await integration(s);
    const credential = await s.run(
      credentials.create(userDefinedCredential('tool-backend', { token: 'server-token' })),
    );
    const config = await s.run(integrations.getConfig(id));
    await s.run(
      integrations.putConfig(id, {
        name: 'Tool backend',
        version: config.version,
        credentials: { basicAuth: { id: credential.id } },
      }),
    );
    const enabled = await s.run(integrations.enable(id));
    expect(enabled.intendedState).toBe('ENABLED');
    expect(await s.run(integrations.findByName('Tool backend'))).toMatchObject({ id });
    await s.run(
      credentials.update(
        credential.id,
        userDefinedCredential('tool-backend', { token: 'rotated' }),
      ),
    );
    const stale = await s
      .run(integrations.putConfig(id, { name: 'Tool backend', version: config.version }))
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(GenesysConflictError);
  });

  it('creates, reads, patches, lists and deletes data actions', async () => {
    const s = await setup();
    const integrationId = await integration(s);
    const api = s.client.dataActions;
    const created = await s.run(api.create(action('check_inventory', integrationId)));
    expect(created).toMatchObject({ name: 'check_inventory', integrationId });
    const read = await s.run(api.get(created.id));
    expect(read.contract?.input?.inputSchema).toMatchObject({ required: ['sku'] });
    expect(read.config?.request).toMatchObject({ requestType: 'POST' });
    const patched = await s.run(
      api.patch(created.id, { version: read.version ?? 1, category: 'other-category' }),
    );
    expect(patched.category).toBe('other-category');
    const stale = await s
      .run(api.patch(created.id, { version: read.version ?? 1, name: 'again' }))
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(GenesysConflictError);
    expect(stale).toMatchObject({ status: 409, method: 'PATCH' });
    expect(await s.run(api.list({ category: 'other-category' }).collect())).toHaveLength(1);
    await s.run(api.remove(created.id));
    const gone = await s.run(api.get(created.id)).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GenesysNotFoundError);
    expect(gone).toMatchObject({ correlationId: expect.any(String) as unknown });
  });

  it('executes and tests an action that calls a tool endpoint, and reports its failure stage', async () => {
    const target = await startScriptServer((call) =>
      call.body.includes('"fail"')
        ? { status: 500, body: { message: 'boom' } }
        : { status: 200, body: { sku: 'A-1', inventory_level: 42 } },
    );
    const s = await setup();
    const integrationId = await integration(s);
    await s.run(s.client.integrations.enable(integrationId));
    const api = s.client.dataActions;
    const url = `${target.url}/api/v1/tools/check_inventory`;
    const created = await s.run(api.create(action('check_inventory', integrationId, 'exec', url)));
    expect(await s.run(api.execute(created.id, { sku: 'A-1' }))).toEqual({
      sku: 'A-1',
      inventory_level: 42,
    });
    expect(JSON.parse(target.calls[0]?.body ?? '')).toEqual({ sku: 'A-1' });
    const tested = await s.run(api.test(created.id, { sku: 'A-1' }));
    expect(tested.success).toBe(true);
    const failed = await s.run(api.execute(created.id, { sku: 'fail' })).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 'GENESYS_EXECUTION_FAILED',
      details: { stage: 'ACTION.REMOTE_ENDPOINT' },
    });
    const executeCalls = s.emulator.emulator.calls.filter((c) => c.path.endsWith('/execute'));
    expect(executeCalls).toHaveLength(2);
    expect(await s.run(api.getTemplate(created.id, 'requesttemplate.vm'))).toBe(
      '${input.rawRequest}',
    );
  });

  it('reports a tool server 401 mirrored by execute as the tool failing, not as our token', async () => {
    const target = await startScriptServer(() => ({
      status: 401,
      body: { status: 'error', error_code: 'UNAUTHORIZED' },
    }));
    const s = await setup();
    const integrationId = await integration(s);
    await s.run(s.client.integrations.enable(integrationId));
    const url = `${target.url}/api/v1/tools/check_inventory`;
    const created = await s.run(
      s.client.dataActions.create(action('check_inventory', integrationId, 'exec401', url)),
    );
    const tokensBefore = s.emulator.emulator.calls.filter((c) => c.path === '/oauth/token').length;
    const failed = await s
      .run(s.client.dataActions.execute(created.id, { sku: 'A-1' }))
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 'GENESYS_EXECUTION_FAILED',
      status: 401,
      details: { stage: 'ACTION.REMOTE_ENDPOINT' },
    });
    // No token renewal and no second execute: the OAuth token was never the problem.
    const calls = s.emulator.emulator.calls;
    expect(calls.filter((c) => c.path === '/oauth/token')).toHaveLength(tokensBefore);
    expect(calls.filter((c) => c.path.endsWith('/execute'))).toHaveLength(1);
  });

  it('reports a contract Genesys refuses as a validation error with details', async () => {
    const s = await setup();
    const integrationId = await integration(s);
    const bad = action('nested', integrationId);
    const error = await s
      .run(
        s.client.dataActions.create({
          ...bad,
          contract: {
            ...bad.contract,
            input: { inputSchema: { type: 'object', properties: { a: { type: 'object' } } } },
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysValidationError);
    expect(error).toMatchObject({ code: 'GENESYS_VALIDATION', status: 400, method: 'POST' });
    expect((error as GenesysValidationError).details).toHaveProperty('fields');
  });

  it.each([
    [0, 5, 1],
    [5, 5, 1],
    [10, 5, 2],
    [12, 5, 3],
  ])('lists %d actions with page size %d in %d requests', async (count, pageSize, requests) => {
    const s = await setup({ rateLimitPerMinute: 1_000 }, { requestsPerMinute: 1_000 });
    const integrationId = await integration(s);
    await s.run(
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          s.client.dataActions.create(action(`tool_${i}`, integrationId, 'paged')),
        ),
      ),
    );
    s.emulator.emulator.clearCalls();
    const all = await s.run(s.client.dataActions.list({ category: 'paged', pageSize }).collect());
    expect(new Set(all.map((a) => a.name)).size).toBe(count);
    const listCalls = s.emulator.emulator.calls.filter(
      (c) => c.path === '/api/v2/integrations/actions',
    );
    expect(listCalls.map((c) => c.query['pageNumber'])).toEqual(
      Array.from({ length: requests }, (_, i) => String(i + 1)),
    );
  });

  it('names the missing permission when the role lacks it', async () => {
    const s = await setup({
      clients: [
        {
          id: 'viewer',
          secret: 'viewer-secret',
          permissions: ['integrations:action:view', 'integrations:integration:view'],
        },
      ],
    });
    const error = await s
      .run(s.client.dataActions.create(action('x', 'any')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysForbiddenError);
    expect((error as Error).message).toContain('integrations:action:add');
    expect(error).toMatchObject({ details: { permissions: ['integrations:action:add'] } });
  });

  it('refuses a wrong secret with an auth error that mentions the region', async () => {
    const s = await setup();
    const client = s.clientFor({ clientSecret: 'wrong-secret-value' });
    const error = await s.run(client.integrations.list().collect()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ genesysCode: 'invalid_client' });
    expect((error as Error).message).toContain('GENESYS_CLOUD_REGION');
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('wrong-secret-value');
  });

  it('renews a token the emulator expires, before it expires', async () => {
    const s = await setup({ tokenLifetimeSeconds: 120 }, { tokenRenewMarginMs: 30_000 });
    await s.run(s.client.integrations.list().collect());
    await s.clock.advance(100_000);
    await s.run(s.client.integrations.list().collect());
    const statuses = s.emulator.emulator.calls.map((c) => `${c.path} ${c.status}`);
    expect(statuses).toEqual([
      '/oauth/token 200',
      '/api/v2/integrations 200',
      '/oauth/token 200',
      '/api/v2/integrations 200',
    ]);
  });

  it('follows a lower limit the server announces, so a later burst draws no 429s', async () => {
    const s = await setup({ rateLimitPerMinute: 50 }, { requestsPerMinute: 300 });
    const get = () =>
      s.client.transport.send({
        method: 'GET',
        route: '/api/v2/integrations',
        query: { pageSize: 1 },
      });
    await s.run(get());
    await s.run(Promise.all(Array.from({ length: 120 }, get)));
    const api = s.emulator.emulator.calls.filter((c) => c.path === '/api/v2/integrations');
    expect(api).toHaveLength(121);
    expect(api.filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('keeps a burst of 1,000 calls under the emulator limit of 300 per minute: zero 429s', async () => {
    const s = await setup({ rateLimitPerMinute: 300 }, { requestsPerMinute: 300 });
    const started = s.clock.nowMs();
    await s.run(
      Promise.all(
        Array.from({ length: 1_000 }, () =>
          s.client.transport.send({
            method: 'GET',
            route: '/api/v2/integrations',
            query: { pageSize: 1 },
          }),
        ),
      ),
    );
    const api = s.emulator.emulator.calls.filter((c) => c.path === '/api/v2/integrations');
    expect(api).toHaveLength(1_000);
    expect(api.filter((c) => c.status === 429)).toHaveLength(0);
    expect(s.events.filter((e) => e.type === 'rate-limited')).toHaveLength(0);
    // 1,000 calls at 300 per minute need at least three full windows.
    expect(s.clock.nowMs() - started).toBeGreaterThanOrEqual(180_000);
  });
});
