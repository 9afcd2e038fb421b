import { describe, expect, it } from 'vitest';
import { bindingsEmulator, createAction, pollStatuses, postId } from './bindings-helpers.js';
import { api, tokenFor } from './helpers.js';

const consumers = (id: string): string =>
  `/api/v2/architect/dependencytracking/consumingresources?id=${id}&objectType=DATAACTION`;

describe('dependency tracking', () => {
  it('lists every guide version, agent version and seeded flow that names the action', async () => {
    const { emulator, call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId, 'check_inventory');
    const orders = await createAction(call, integrationId, 'order_status');
    const guideId = await postId(call, '/api/v2/guides', { name: 'Store assistant' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const v1 = await postId(call, versions, {
      resources: { dataActions: [{ id: stock, label: 'Stock' }] },
    });
    const jobId = await postId(
      call,
      `${versions}/${v1}/jobs`,
      { guideVersion: { state: 'ProductionReady' } },
      202,
    );
    expect(await pollStatuses(call, `${versions}/${v1}/jobs/${jobId}`, 2)).toContain('Succeeded');
    const agentId = await postId(call, '/api/v2/agentic/virtualagents', { name: 'Store agent' });
    await postId(call, `/api/v2/agentic/virtualagents/${agentId}/versions`, {
      definition: {
        tools: [
          { type: 'DataAction', name: 'check_inventory', description: 'd', target: { id: stock } },
          { type: 'KnowledgeBase', name: 'kb', description: 'd', target: { id: stock } },
        ],
      },
    });
    const flow = await emulator.app.inject({
      method: 'POST',
      url: '/__emulator/flows',
      payload: { name: 'Main IVR', dataActionIds: [stock, orders] },
    });
    expect(flow.json()).toMatchObject({ name: 'Main IVR', type: 'INBOUNDCALLFLOW' });
    const flowId = String(flow.json<Record<string, unknown>>()['id']);

    const listed = await call('GET', consumers(stock));
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 3, pageNumber: 1 });
    expect(listed.body['entities']).toEqual([
      {
        id: guideId,
        name: 'Store assistant',
        type: 'GUIDE',
        version: '1',
        selfUri: `${versions}/${v1}`,
      },
      expect.objectContaining({
        id: agentId,
        name: 'Store agent',
        type: 'VIRTUALAGENT',
        version: '1.0',
      }),
      expect.objectContaining({ id: flowId, name: 'Main IVR', type: 'INBOUNDCALLFLOW' }),
    ]);

    // A new guide version without the action: the published version 1 still names it.
    await postId(call, versions, {
      resources: { dataActions: [{ id: orders, label: 'Orders' }] },
    });
    // Likewise an agent version 2.0 without the tool: version 1.0 stays listed, 2.0 is not.
    await postId(call, `/api/v2/agentic/virtualagents/${agentId}/versions`, {
      definition: { tools: [] },
    });
    const after = await call('GET', consumers(stock));
    expect(after.body['entities']).toEqual([
      expect.objectContaining({ type: 'GUIDE', version: '1' }),
      expect.objectContaining({ type: 'VIRTUALAGENT', version: '1.0' }),
      expect.objectContaining({ type: 'INBOUNDCALLFLOW' }),
    ]);
    const forOrders = await call('GET', consumers(orders));
    expect(forOrders.body['entities']).toEqual([
      expect.objectContaining({ type: 'GUIDE', version: '2' }),
      expect.objectContaining({ type: 'INBOUNDCALLFLOW' }),
    ]);

    const removed = await emulator.app.inject({
      method: 'DELETE',
      url: `/__emulator/flows/${flowId}`,
    });
    expect(removed.statusCode).toBe(204);
    expect((await call('GET', consumers(orders))).body).toMatchObject({ total: 1 });
    const again = await emulator.app.inject({
      method: 'DELETE',
      url: `/__emulator/flows/${flowId}`,
    });
    expect(again.statusCode).toBe(404);
  });

  it('still lists consumers of a deleted action, and pages them', async () => {
    const { emulator, call } = await bindingsEmulator();
    for (const [name, type] of [
      ['Flow A', 'BOT'],
      ['Flow B', 'DIGITALBOTFLOW'],
      ['Flow C', undefined],
    ] as const) {
      await emulator.app.inject({
        method: 'POST',
        url: '/__emulator/flows',
        payload: { name, dataActionIds: ['gone'], ...(type === undefined ? {} : { type }) },
      });
    }
    const page = await call('GET', `${consumers('gone')}&pageSize=2&pageNumber=2`);
    expect(page.body).toMatchObject({
      total: 3,
      pageCount: 2,
      entities: [{ name: 'Flow C', type: 'INBOUNDCALLFLOW' }],
    });
    expect(String(page.body['previousUri'])).toContain('id=gone');
    expect((await call('GET', consumers('unused'))).body).toMatchObject({ total: 0, entities: [] });
  });

  it.each([
    ['/api/v2/architect/dependencytracking/consumingresources?objectType=DATAACTION', 'id'],
    ['/api/v2/architect/dependencytracking/consumingresources?id=x&objectType=FLOW', 'objectType'],
  ])('refuses %s with 400 naming %s', async (url, fieldName) => {
    const { call } = await bindingsEmulator();
    const res = await call('GET', url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad.request', details: [{ fieldName }] });
  });

  it('refuses a seeded flow without its action ids', async () => {
    const { emulator } = await bindingsEmulator();
    const res = await emulator.app.inject({
      method: 'POST',
      url: '/__emulator/flows',
      payload: { name: 'No ids' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 403 to a client without architect:dependencyTracking:view', async () => {
    const { emulator } = await bindingsEmulator({
      clients: [
        { id: 'emulator-client', secret: 'emulator-secret' },
        { id: 'guides-only', secret: 's', permissions: ['aiStudio:guide:view'] },
      ],
    });
    const call = api(emulator, await tokenFor(emulator, 'guides-only', 's'));
    const res = await call('GET', consumers('x'));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'missing.any.permissions',
      messageParams: { permissions: 'architect:dependencyTracking:view' },
    });
  });
});
