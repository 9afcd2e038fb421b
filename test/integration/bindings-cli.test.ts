/**
 * Issue 13 "Done when", through the CLI against the emulator (strict defaults): the example config
 * binds its tools to a seeded guide and agent; a contract change replaced with --allow-replace
 * re-points them before the old action is deleted; an apply stopped between the publish and the
 * delete converges on a rerun; a flow that uses the old id is named by plan.
 */
import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { GenesysClient } from '../../src/genesys/index.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'sentinel-bearer-bindings-7171';
const EXAMPLES = new URL('../../examples', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

async function workspace(options: EmulatorOptions = {}) {
  const started = await startEmulator({
    rateLimitPerMinute: 1_000_000,
    seedGuides: ['Store assistant'],
    seedAgents: ['Store agent'],
    ...options,
  });
  // A scratch copy of the examples, so a test may change a contract.
  const cwd = tempDir();
  for (const part of ['tools', 'instructions', 'genesys-tools.config.yaml']) {
    cpSync(join(EXAMPLES, part), join(cwd, part), { recursive: true });
  }
  // The tool modules import zod and the library: resolve both from this checkout.
  symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
  writeFileSync(join(cwd, 'package.json'), '{"type": "module"}\n');
  for (const name of readdirSync(join(cwd, 'tools'))) {
    const file = join(cwd, 'tools', name);
    writeFileSync(
      file,
      // The examples import the package by name; here, the build of this checkout (npm test builds).
      readFileSync(file, 'utf8').replace("'genesys-tools'", `'${join(ROOT, 'dist/index.js')}'`),
    );
  }
  const env = {
    GENESYS_CLOUD_API_URL: started.url,
    GENESYS_CLOUD_CLIENT_ID: started.clientId,
    GENESYS_CLOUD_CLIENT_SECRET: started.clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
    GENESYS_CLOUD_REQUESTS_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
  };
  /** Runs a command; `killAt` stops it the moment it prints that text (a kill at that point). */
  const run = async (argv: string[], killAt?: string) => {
    const stop = new AbortController();
    const fake = fakeCliContext({ env, cwd, stop });
    const { out, err } = fake;
    const ctx = {
      ...fake.ctx,
      stdout: (s: string) => {
        fake.ctx.stdout(s);
        if (killAt !== undefined && s.includes(killAt)) stop.abort();
      },
    };
    const code = await runCli([...argv, '--config', 'genesys-tools.config.yaml'], ctx);
    const [stdout, stderr] = [out(), err()];
    expect(stdout + stderr).not.toContain(TOKEN);
    return { code, stdout, stderr };
  };
  const client = createGenesysClient({
    apiUrl: started.url,
    clientId: started.clientId,
    clientSecret: started.clientSecret,
    requestsPerMinute: 1_000_000,
  });
  return { ...started, run, cwd, client };
}

async function actionIds(client: GenesysClient): Promise<Map<string, string[]>> {
  const all = await client.dataActions.list({ category: 'genesys-tools' }).collect();
  const ids = new Map<string, string[]>();
  for (const a of all) ids.set(a.name, [...(ids.get(a.name) ?? []), a.id]);
  return ids;
}

async function published(client: GenesysClient) {
  const [guide] = await client.guides.findByName('Store assistant');
  const [agent] = await client.agents.findByName('Store agent');
  if (guide === undefined || agent === undefined) throw new Error('seeds missing');
  const g = await client.guides.get(guide.id);
  const a = await client.agents.get(agent.id);
  const guideVersion = await client.guides.getVersion(
    guide.id,
    g.latestProductionReadyVersion?.id ?? '',
  );
  const agentVersion = await client.agents.getVersion(agent.id, a.publishedVersion?.id ?? '');
  return {
    guideIds: guideVersion.resources?.dataActions?.map((d) => d.id).sort() ?? [],
    agentTargets: (agentVersion.definition?.tools ?? [])
      .filter((t) => t.type === 'DataAction')
      .map((t) => t.target?.id),
  };
}

/** Makes check_inventory's `sku` an integer: a contract change, so a replace. */
function changeContract(cwd: string): void {
  const file = join(cwd, 'tools', 'check_inventory.tool.ts');
  const before = readFileSync(file, 'utf8');
  const after = before.replace('sku: z.string().min(1)', 'sku: z.string().min(3)');
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

describe('tools bound to a guide and an agent (issue 13)', () => {
  it('binds the example tools, then writes nothing on a second apply', async () => {
    const { run, client, emulator } = await workspace();
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('guide "Store assistant"');
    expect(apply.stdout).toContain('published');

    const ids = await actionIds(client);
    const bound = await published(client);
    expect(bound.guideIds).toEqual(
      [ids.get('check_inventory')?.[0], ids.get('order_status')?.[0]].sort(),
    );
    expect(bound.agentTargets).toEqual([ids.get('check_inventory')?.[0]]);

    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    emulator.clearCalls();
    const again = await run(['apply', '--auto-approve']);
    expect(again.code).toBe(0);
    expect(emulator.calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/api/'))).toEqual(
      [],
    );
  });

  it('re-points the guide and the agent to the new id before it deletes the old action', async () => {
    const { run, client, cwd } = await workspace();
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const oldId = (await actionIds(client)).get('check_inventory')?.[0];
    changeContract(cwd);

    const plan = await run(['plan']);
    expect(plan.stdout).toContain('-/+ replace check_inventory');
    expect(plan.stdout).toMatch(
      /guide "Store assistant": .*check_inventory \(id changes: replaced\)/,
    );
    expect((await run(['apply', '--auto-approve'])).code).toBe(1);

    const apply = await run(['apply', '--auto-approve', '--allow-replace']);
    expect(apply.code).toBe(0);
    const ids = await actionIds(client);
    const newId = ids.get('check_inventory')?.[0];
    expect(ids.get('check_inventory')).toHaveLength(1);
    expect(newId).not.toBe(oldId);
    const bound = await published(client);
    expect(bound.guideIds).toContain(newId);
    expect(bound.guideIds).not.toContain(oldId);
    expect(bound.agentTargets).toEqual([newId]);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('converges when apply is killed between the publish and the delete', async () => {
    // Names unique per integration: the replace must go through its temporary name.
    const { run, client, cwd } = await workspace({ uniqueActionNames: true });
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const oldId = (await actionIds(client)).get('check_inventory')?.[0];
    changeContract(cwd);

    const killed = await run(
      ['apply', '--auto-approve', '--allow-replace'],
      'agent "Store agent": published',
    );
    expect(killed.code).toBe(1);
    const between = await actionIds(client);
    // The old action is still there (nothing points only at it any more), the new one waits
    // under its temporary name.
    expect(between.get('check_inventory')).toEqual([oldId]);
    expect(between.get('check_inventory (replacing)')).toHaveLength(1);

    const rerun = await run(['apply', '--auto-approve', '--allow-replace']);
    expect(rerun.code).toBe(0);
    const after = await actionIds(client);
    expect(after.get('check_inventory')).toHaveLength(1);
    expect(after.has('check_inventory (replacing)')).toBe(false);
    const newId = after.get('check_inventory')?.[0];
    expect(newId).not.toBe(oldId);
    const bound = await published(client);
    expect(bound.guideIds).toContain(newId);
    expect(bound.agentTargets).toEqual([newId]);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('names a flow that uses the old id, and refuses the replace without --allow-replace', async () => {
    const { run, client, cwd, url } = await workspace();
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const oldId = (await actionIds(client)).get('check_inventory')?.[0] ?? '';
    const seeded = await fetch(`${url}/__emulator/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Main IVR', type: 'INBOUNDCALLFLOW', dataActionIds: [oldId] }),
    });
    expect(seeded.status).toBeLessThan(300);
    changeContract(cwd);

    const plan = await run(['plan']);
    expect(plan.stdout).toContain(`check_inventory (id ${oldId}) is also used outside this config`);
    expect(plan.stdout).toContain('INBOUNDCALLFLOW "Main IVR"');
    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('SYNC_REPLACE_NOT_ALLOWED');
    expect((await actionIds(client)).get('check_inventory')).toEqual([oldId]);
  });
});
