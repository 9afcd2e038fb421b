/**
 * The bindings room end to end against the emulator's guides, agents and dependency tracking
 * (BINDINGS-WIRE.md). Written on the bindings branch before the emulator had those routes: it
 * runs once both branches are merged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyBindings,
  findConsumers,
  planBindings,
  readRemoteBindings,
  renderBindingsPlan,
  resolveBindings,
} from '../../src/bindings/index.js';
import type { ToolRefs } from '../../src/bindings/index.js';
import { loadConfigFile } from '../../src/config.js';
import { loadTools } from '../../src/definition/index.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { GenesysClient, PostActionInputWire } from '../../src/genesys/index.js';
import { runCli } from '../../src/cli/main.js';
import { countingFetch, drive } from '../genesys/support/drive.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { fakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');

function action(name: string, integrationId: string): PostActionInputWire {
  return {
    name,
    category: 'genesys-tools',
    integrationId,
    contract: {
      input: {
        inputSchema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
      },
      output: { successSchema: { type: 'object', properties: {} } },
    },
    config: {
      request: {
        requestUrlTemplate: `https://tools.example.com/api/v1/tools/${name}`,
        requestType: 'POST',
        headers: { 'content-type': 'application/json' },
        requestTemplate: '${input.rawRequest}',
      },
      response: { translationMap: {}, successTemplate: '${rawResult}' },
    },
  };
}

async function setup() {
  const clock = fakeClock();
  const emulator = await startEmulator({}, { clock });
  const counting = countingFetch();
  const writes: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const method = init?.method ?? 'GET';
    const url = input instanceof Request ? input.url : String(input);
    if (method !== 'GET' && !url.endsWith('/oauth/token'))
      writes.push(`${method} ${new URL(url).pathname}`);
    return counting.fetch(input, init);
  };
  const client: GenesysClient = createGenesysClient(
    {
      apiUrl: emulator.url,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      requestTimeoutMs: 600_000,
      deadlineMs: 3_600_000,
    },
    { clock, fetch: recording, random: () => 0.5 },
  );
  const run = <T>(work: Promise<T>): Promise<T> =>
    drive(work, clock, { inFlight: counting.inFlight, stepMs: 500 });
  return { emulator, client, run, writes };
}

describe('bindings against the emulator', () => {
  it('binds the example tools to a guide and an agent, converges, and keeps them true through a replace', async () => {
    const { emulator, client, run, writes } = await setup();
    const integrationId = (await run(client.integrations.create({ name: 'Tool backend' }))).id;
    const inv = await run(client.dataActions.create(action('check_inventory', integrationId)));
    const ord = await run(client.dataActions.create(action('order_status', integrationId)));
    const guide = await run(client.guides.create({ name: 'Store assistant' }));
    const agent = await run(client.agents.create({ name: 'Store agent' }));

    const file = await loadConfigFile(ROOT, 'examples/genesys-tools.config.yaml');
    if (file === undefined) throw new Error('no example config');
    const { tools } = await loadTools(file.tools ?? [], { cwd: ROOT });
    const { desired, issues } = await resolveBindings(file, tools, ROOT);
    expect(issues).toEqual([]);

    const refs: ToolRefs = new Map([
      ['check_inventory', { id: inv.id, state: 'existing' as const }],
      ['order_status', { id: ord.id, state: 'existing' as const }],
    ]);
    const managed = new Set([inv.id, ord.id]);
    const remote = await run(readRemoteBindings(client, desired));
    const plan = planBindings(desired, remote, refs, managed);
    expect(renderBindingsPlan(plan)).toBe(
      '~ guide "Store assistant": + check_inventory, + order_status, ~ instruction\n' +
        '~ agent "Store agent": + check_inventory\n',
    );
    await run(applyBindings(client, plan, { refs }));

    const publishedGuide = async () => {
      const g = await run(client.guides.get(guide.id));
      const versionId = g.latestProductionReadyVersion?.id;
      if (versionId === undefined) throw new Error('guide not published');
      return run(client.guides.getVersion(guide.id, versionId));
    };
    const publishedAgent = async () => {
      const a = await run(client.agents.get(agent.id));
      const versionId = a.publishedVersion?.id;
      if (versionId === undefined) throw new Error('agent not published');
      return run(client.agents.getVersion(agent.id, versionId));
    };
    expect((await publishedGuide()).resources?.dataActions?.map((d) => d.id)).toEqual([
      inv.id,
      ord.id,
    ]);
    expect((await publishedAgent()).definition?.tools).toEqual([
      expect.objectContaining({
        type: 'DataAction',
        name: 'check_inventory',
        target: { id: inv.id },
      }),
    ]);

    // A second apply writes nothing.
    const before = writes.length;
    const again = planBindings(
      desired,
      await run(readRemoteBindings(client, desired)),
      refs,
      managed,
    );
    expect(renderBindingsPlan(again)).toBe(
      '= guide "Store assistant": no changes\n= agent "Store agent": no changes\n',
    );
    await run(applyBindings(client, again, { refs }));
    expect(writes.slice(before)).toEqual([]);

    // A flow uses the action too: plan lists it before a replace; the configured guide and agent are not listed.
    const seeded = await fetch(`${emulator.url}/__emulator/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Main IVR', dataActionIds: [inv.id] }),
    });
    expect(seeded.ok).toBe(true);
    const consumers = await run(findConsumers(client, inv.id, remote));
    expect(consumers.map((c) => [c.type, c.name])).toEqual([['INBOUNDCALLFLOW', 'Main IVR']]);

    // Replace: the new action exists, guide and agent are re-pointed, then the old one goes.
    const inv2 = await run(client.dataActions.create(action('check_inventory_v2', integrationId)));
    const replaced: ToolRefs = new Map([
      ['check_inventory', { id: inv2.id, state: 'replaced' as const, previousId: inv.id }],
      ['order_status', { id: ord.id, state: 'existing' as const }],
    ]);
    const replacePlan = planBindings(
      desired,
      await run(readRemoteBindings(client, desired)),
      replaced,
      managed,
    );
    expect(renderBindingsPlan(replacePlan)).toBe(
      '~ guide "Store assistant": ~ check_inventory (id changes: replaced)\n' +
        '~ agent "Store agent": ~ check_inventory (id changes: replaced)\n',
    );
    await run(applyBindings(client, replacePlan, { refs: replaced }));
    await run(client.dataActions.remove(inv.id));
    expect((await publishedGuide()).resources?.dataActions?.map((d) => d.id)).toEqual([
      inv2.id,
      ord.id,
    ]);
    expect((await publishedAgent()).definition?.tools?.[0]?.target?.id).toBe(inv2.id);

    // A publish naming an action that no longer exists fails, and says which guide.
    await run(client.dataActions.remove(ord.id));
    const stale = planBindings(
      {
        ...desired,
        guides: desired.guides.map((g) => ({ ...g, instruction: `${g.instruction ?? ''}\n` })),
        agents: [],
      },
      { ...(await run(readRemoteBindings(client, desired))), agents: [] },
      replaced,
      new Set([inv.id, inv2.id, ord.id]),
    );
    await expect(run(applyBindings(client, stale, { refs: replaced }))).rejects.toMatchObject({
      code: 'BINDING_PUBLISH_FAILED',
      message: expect.stringContaining('guide "Store assistant"') as string,
    });
  });

  it('says how to fix a guide that does not exist', async () => {
    const { client, run } = await setup();
    const file = await loadConfigFile(ROOT, 'examples/genesys-tools.config.yaml');
    if (file === undefined) throw new Error('no example config');
    const { tools } = await loadTools(file.tools ?? [], { cwd: ROOT });
    const { desired } = await resolveBindings(file, tools, ROOT);
    await expect(run(readRemoteBindings(client, desired))).rejects.toMatchObject({
      code: 'BINDING_TARGET_NOT_FOUND',
      message: expect.stringContaining('Create it in AI Studio') as string,
    });
  });

  it('lists, per tool, the guides and flows that use it', async () => {
    const { emulator, client, run } = await setup();
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    writeFileSync(
      join(cwd, 'tools', 'a.yaml'),
      'name: tool_a\ndescription: Tool a\nparameters:\n  sku: { type: string, required: true }\nendpoint: https://tools.example.com/api/v1/tools/tool_a\n',
    );
    const env = {
      GENESYS_CLOUD_API_URL: emulator.url,
      GENESYS_CLOUD_CLIENT_ID: emulator.clientId,
      GENESYS_CLOUD_CLIENT_SECRET: emulator.clientSecret,
      GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
      GENESYS_TOOLS_BEARER_TOKEN: 'list-test-token',
    };
    const cli = async (argv: string[]) => {
      const { ctx, out, err } = fakeCliContext({ env, cwd });
      const code = await runCli(argv, ctx);
      return { code, stdout: out(), stderr: err() };
    };
    expect((await cli(['apply', '--auto-approve'])).code).toBe(0);
    const listed = JSON.parse((await cli(['list', '--json'])).stdout) as {
      tools: { name: string; id: string; usedBy: unknown }[];
    };
    const id = listed.tools[0]?.id ?? '';
    expect(listed.tools[0]?.usedBy).toEqual([]);

    const guide = await run(client.guides.create({ name: 'Store assistant' }));
    const version = await run(
      client.guides.createVersion(guide.id, {
        instruction: 'Call {{Action.ToolA}}.',
        resources: { dataActions: [{ id, label: 'ToolA' }] },
      }),
    );
    await run(client.guides.publish(guide.id, version.id));
    await fetch(`${emulator.url}/__emulator/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Main IVR', dataActionIds: [id] }),
    });

    const json = await cli(['list', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      tools: [
        {
          name: 'tool_a',
          usedBy: [
            { type: 'GUIDE', id: guide.id, name: 'Store assistant', versions: ['1'] },
            { type: 'INBOUNDCALLFLOW', name: 'Main IVR', versions: [] },
          ],
        },
      ],
    });
    const table = await cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+ID\s+VERSION\s+STATUS\s+ENDPOINT\s+USED BY$/,
    );
    expect(table.stdout).toContain('guide "Store assistant", flow "Main IVR"');
  });
});
