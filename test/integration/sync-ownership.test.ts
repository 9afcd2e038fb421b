import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { createDataActionsRegistry, toDataAction } from '../../src/registry/index.js';
import { applyPlan, hasChanges, summarisePlan } from '../../src/sync/index.js';
import { makeTool, makeTools } from '../sync/tools.js';
import { EXECUTION_URL, plan, planAndApply, setup } from './sync-helpers.js';

describe('ownership, duplicates and pruning (data-actions)', () => {
  it('deletes a managed duplicate, keeping the action that matches the files', async () => {
    const { registry, client } = await setup();
    const tools = makeTools(2);
    await planAndApply(registry, tools);
    const [existing] = await client.dataActions
      .list({ category: 'genesys-tools', name: 'tool_0001' })
      .collect();
    // A copy made by hand (or left by an interrupted replace), with another timeout.
    const copy = toDataAction(makeTool('tool_0001', { timeoutMs: 30_000 }), {
      executionUrl: EXECUTION_URL,
      category: 'genesys-tools',
      integrationId: existing?.integrationId ?? '',
    });
    const made = await client.dataActions.create(copy);
    const p = await plan(registry, tools);
    expect(p.changes.filter((c) => c.kind !== 'unchanged')).toMatchObject([
      { kind: 'delete', name: 'tool_0001', reason: 'duplicate', remote: { id: made.id } },
    ]);
    await applyPlan(p, registry);
    const left = await client.dataActions.list({ category: 'genesys-tools' }).collect();
    expect(left.map((a) => a.id).sort()).not.toContain(made.id);
    expect(left).toHaveLength(2);
  });

  it('reports an unmanaged action with a wanted name, and takes it over only with adopt', async () => {
    const { registry, client } = await setup();
    await planAndApply(registry, makeTools(1));
    const [ours] = await client.dataActions.list({ category: 'genesys-tools' }).collect();
    const theirs = await client.dataActions.create(
      toDataAction(makeTool('shared_name'), {
        executionUrl: EXECUTION_URL,
        category: 'Hand made',
        integrationId: ours?.integrationId ?? '',
      }),
    );
    const tools = [...makeTools(1), makeTool('shared_name')];
    const p = await plan(registry, tools);
    expect(summarisePlan(p).conflict).toBe(1);
    await expect(applyPlan(p, registry)).rejects.toMatchObject({ code: 'SYNC_UNMANAGED_CONFLICT' });

    const adopted = await planAndApply(registry, tools, { adopt: true });
    expect(adopted.plan.changes.find((c) => c.name === 'shared_name')).toMatchObject({
      kind: 'update',
      adopt: true,
      diff: [{ path: 'category', before: 'Hand made', after: 'genesys-tools' }],
    });
    const after = await client.dataActions.get(theirs.id);
    expect(after.category).toBe('genesys-tools');
    expect(hasChanges(await plan(registry, tools))).toBe(false);
  });

  it('keeps tools no file defines unless prune is given', async () => {
    const { registry, client } = await setup();
    await planAndApply(registry, makeTools(3));
    const kept = await plan(registry, makeTools(2));
    expect(hasChanges(kept)).toBe(false);
    await planAndApply(registry, makeTools(2), { prune: true });
    const left = await client.dataActions.list({ category: 'genesys-tools' }).collect();
    expect(left.map((a) => a.name).sort()).toEqual(['tool_0001', 'tool_0002']);
  });
});

describe('the gateway target', () => {
  it('applies, updates in place, prunes, and plans no changes after', async () => {
    const { registry, client } = await setup('gateway');
    await planAndApply(registry, makeTools(3));
    expect(hasChanges(await plan(registry, makeTools(3)))).toBe(false);
    const changed = [
      makeTool('tool_0001', { description: 'A new description' }),
      ...makeTools(2).slice(1),
    ];
    const second = await planAndApply(registry, changed, { prune: true });
    expect(
      second.plan.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.name}`),
    ).toEqual(['update tool_0001', 'delete tool_0003']);
    const tools = await client.gatewayTools.list().collect();
    expect(tools.map((t) => t.name).sort()).toEqual(['tool_0001', 'tool_0002']);
    expect(tools.find((t) => t.name === 'tool_0001')?.version).toBe(2);
    expect(hasChanges(await plan(registry, changed))).toBe(false);
  });
});

describe('invoke', () => {
  it('runs a registered tool through its data action and returns the output', async () => {
    const seen: { auth?: string | undefined; body?: string } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.auth = req.headers.authorization;
        seen.body = body;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'success',
            output: { sku: 'A-1', inventory_level: 42 },
            metadata: {},
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(
      () =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    );
    const port = (server.address() as AddressInfo).port;

    const started = await setup();
    const client = createGenesysClient({
      apiUrl: started.url,
      clientId: started.clientId,
      clientSecret: started.clientSecret,
      requestsPerMinute: 1_000_000,
    });
    const registry = createDataActionsRegistry(
      { executionUrl: `http://127.0.0.1:${port}`, bearerToken: 'sentinel-token-1234' },
      client,
    );
    await planAndApply(registry, [makeTool('check_inventory')]);
    const [entry] = await registry.findManaged('check_inventory');
    const result = await registry.invoke(entry!, { sku: 'A-1' });
    expect(result.output).toEqual({ sku: 'A-1', inventory_level: 42 });
    expect(seen.auth).toBe('Bearer sentinel-token-1234');
    expect(JSON.parse(seen.body ?? '')).toEqual({
      tool_name: 'check_inventory',
      parameters: { sku: 'A-1' },
    });
  });
});
