/**
 * The registry reads and writes through the typed client (issue 15 item 15): an answer that lacks
 * a field the registry relies on is a GENESYS_UNEXPECTED_RESPONSE naming that field, never an
 * entry with an id or name of ''; a write's correlation id still reaches the audit.
 */
import { describe, expect, it } from 'vitest';
import type { GenesysClient } from '../../src/genesys/index.js';
import { createDataActionsRegistry, createGatewayRegistry } from '../../src/registry/index.js';
import { page, scriptedClient } from '../genesys/support/api-client.js';
import type { Handler } from '../genesys/support/script-server.js';
import { makeTool } from '../sync/tools.js';

const EXECUTION_URL = 'https://tools.example.com';
const CATEGORY = 'genesys-tools';

/** The registry needs no raw transport: a client without one is enough (a compile-time check). */
type TypedClient = Omit<GenesysClient, 'transport'>;

async function dataActions(api: Handler) {
  const s = await scriptedClient(api);
  const typed: TypedClient = s.client;
  const registry = createDataActionsRegistry(
    { executionUrl: EXECUTION_URL, integrationId: 'int-1', bearerToken: 'sentinel-token-1234' },
    typed,
  );
  return { ...s, registry };
}

async function gateway(api: Handler) {
  const s = await scriptedClient(api);
  const typed: TypedClient = s.client;
  return { ...s, registry: createGatewayRegistry({ executionUrl: EXECUTION_URL }, typed) };
}

/** The rejection of `work`, driven on the scripted client's clock. */
async function failure(run: <T>(w: Promise<T>) => Promise<T>, work: Promise<unknown>) {
  return run(work).then(
    () => undefined,
    (error: unknown) => error,
  );
}

const unexpected = (field: string) => ({
  code: 'GENESYS_UNEXPECTED_RESPONSE',
  details: { field },
});

describe('data-actions registry through the typed client', () => {
  it('refuses a listed action without an id, naming the field, instead of listing id ""', async () => {
    const { registry, run } = await dataActions(() =>
      page([{ name: 'check_inventory', category: CATEGORY, version: 1 }]),
    );
    expect(await failure(run, registry.listedIds())).toMatchObject(unexpected('entities.0.id'));
  });

  it('refuses a listed action whose name is not a string, instead of dropping it', async () => {
    const { registry, run } = await dataActions((call) =>
      call.method === 'GET' && call.path === '/api/v2/integrations/actions'
        ? page([{ id: 'a1', name: 42, category: CATEGORY, version: 1 }])
        : { status: 404, body: { message: 'gone', code: 'not.found', status: 404 } },
    );
    expect(await failure(run, registry.list([]))).toMatchObject(unexpected('entities.0.name'));
  });

  it('refuses a create answered without an id, and passes on the correlation id of one with it', async () => {
    const tool = makeTool('check_inventory');
    const missing = await dataActions(() => ({ status: 200, body: { name: tool.name } }));
    const desired = missing.registry.desired(tool);
    expect(await failure(missing.run, missing.registry.create(desired))).toMatchObject(
      unexpected('id'),
    );

    const ok = await dataActions((call) => ({
      status: 200,
      body: { ...(JSON.parse(call.body) as object), id: 'a1', version: 1 },
      headers: { 'inin-correlation-id': 'corr-create' },
    }));
    const written = await ok.run(ok.registry.create(desired));
    expect(written).toMatchObject({ entry: { id: 'a1', name: tool.name, version: 1 } });
    expect(written.correlationId).toBe('corr-create');
    const sent = JSON.parse(ok.server.apiCalls()[0]?.body ?? '{}') as Record<string, unknown>;
    expect(sent).toMatchObject({ name: tool.name, integrationId: 'int-1', category: CATEGORY });
  });

  it('sends nothing for a desired body that is not a data action (an edited saved plan)', async () => {
    const { registry, run, server } = await dataActions(() => ({ status: 500 }));
    const desired = registry.desired(makeTool('check_inventory'));
    const broken = { ...desired, body: { ...desired.body, contract: { input: {} } } };
    expect(await failure(run, registry.create(broken))).toMatchObject({
      code: 'SYNC_PLAN_FILE_INVALID',
      details: { tool: 'check_inventory', field: 'contract.input.inputSchema' },
    });
    expect(server.apiCalls()).toEqual([]);
  });

  it('passes on the correlation id of a delete', async () => {
    const { registry, run } = await dataActions(() => ({
      status: 204,
      headers: { 'inin-correlation-id': 'corr-delete' },
    }));
    expect(await run(registry.remove('a1'))).toEqual({ correlationId: 'corr-delete' });
  });
});

describe('gateway registry through the typed client', () => {
  it('refuses a create answered without an id, naming the field, instead of an entry with id ""', async () => {
    const { registry, run } = await gateway(() => ({
      status: 201,
      body: { name: 'check_inventory', managedBy: 'genesys-tools', version: 1 },
    }));
    const desired = registry.desired(makeTool('check_inventory'));
    expect(await failure(run, registry.create(desired))).toMatchObject(unexpected('id'));
  });

  it('sends no "" description for a desired body without one', async () => {
    const { registry, run, server } = await gateway(() => ({ status: 500 }));
    const desired = registry.desired(makeTool('check_inventory'));
    const body = Object.fromEntries(
      Object.entries(desired.body).filter(([key]) => key !== 'description'),
    );
    expect(await failure(run, registry.create({ ...desired, body }))).toMatchObject({
      code: 'SYNC_PLAN_FILE_INVALID',
      details: { field: 'description' },
    });
    expect(server.apiCalls()).toEqual([]);
  });

  it('keeps the correlation id out of the entry: a written tool fingerprints as it reads', async () => {
    const tool = {
      id: 't1',
      name: 'check_inventory',
      managedBy: 'genesys-tools',
      version: 1,
      executionEndpoint: `${EXECUTION_URL}/api/v1/tools/check_inventory`,
    };
    const { registry, run } = await gateway(() => ({ status: 200, body: tool }));
    const written = await run(registry.create(registry.desired(makeTool('check_inventory'))));
    expect(written.correlationId).toMatch(/^corr-/);
    expect(written.entry).toEqual(await run(registry.get('t1')));
  });

  it('updates through PUT and passes on its correlation id', async () => {
    const { registry, run, server } = await gateway((call) => ({
      status: 200,
      body: { ...(JSON.parse(call.body) as object), id: 't1', version: 2 },
      headers: { 'inin-correlation-id': 'corr-put' },
    }));
    const desired = registry.desired(makeTool('check_inventory'));
    const remote = { ...(await run(registry.create(desired))).entry, version: 1 };
    const written = await run(registry.update(remote, desired));
    expect(written).toMatchObject({ entry: { id: 't1', version: 2 }, correlationId: 'corr-put' });
    expect(server.apiCalls().map((c) => [c.method, c.path])).toEqual([
      ['POST', '/api/v2/ai/assistant/tools'],
      ['PUT', '/api/v2/ai/assistant/tools/t1'],
    ]);
  });
});
