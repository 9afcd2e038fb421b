/**
 * Issue 12 "Done when", through the CLI against the emulator with its strict defaults (templates
 * only as URIs, listings without contracts, type lists refused), a listing lag, and faults.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { emulatorOptionsFromFlags, parseEmulatorFlags } from '../../src/cli/commands/emulator.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'sentinel-bearer-real-org-4242';
const EXAMPLES = new URL('../../examples/tools', import.meta.url).pathname;

function manifest(name: string): string {
  return [
    `name: ${name}`,
    `description: Looks up ${name}`,
    'parameters:',
    '  sku: { type: string, description: Product stock keeping unit, required: true }',
    `endpoint: https://tools.example.com/api/v1/tools/${name}`,
  ].join('\n');
}

async function workspace(options: EmulatorOptions, tools: Record<string, string> = {}) {
  const started = await startEmulator({ rateLimitPerMinute: 1_000_000, ...options });
  const cwd = tempDir();
  mkdirSync(join(cwd, 'tools'));
  for (const [name, text] of Object.entries(tools)) {
    writeFileSync(join(cwd, 'tools', `${name}.yaml`), text);
  }
  const env = {
    GENESYS_CLOUD_API_URL: started.url,
    GENESYS_CLOUD_CLIENT_ID: started.clientId,
    GENESYS_CLOUD_CLIENT_SECRET: started.clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
    // The emulator allows far more than an org's 300 per minute.
    GENESYS_CLOUD_REQUESTS_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
  };
  const run = async (argv: string[]) => {
    const { ctx, out, err } = fakeCliContext({ env, cwd });
    const code = await runCli(argv, ctx);
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

/** Writes to data actions the emulator saw (POST, PATCH, DELETE under /integrations/actions). */
function actionWrites(emulator: Emulator): string[] {
  return emulator.calls
    .filter(
      (c) =>
        c.path.startsWith('/api/v2/integrations/actions') &&
        c.method !== 'GET' &&
        c.status !== 0 &&
        !c.path.endsWith('/test') &&
        !c.path.endsWith('/execute'),
    )
    .map((c) => `${c.method} ${c.path}`);
}

describe('plan and apply as a real org answers (strict emulator)', () => {
  it('settles: apply, then plan exits 0, and a second apply writes nothing to any action', async () => {
    const { run, emulator } = await workspace({});
    const apply = await run(['apply', EXAMPLES, '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);

    const plan = await run(['plan', EXAMPLES, '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);

    emulator.clearCalls();
    const again = await run(['apply', EXAMPLES, '--auto-approve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to do.');
    expect(actionWrites(emulator)).toEqual([]);
    // A no-change plan reads the listing only: no per-action GET, no template read.
    expect(
      emulator.calls.filter((c) => /^\/api\/v2\/integrations\/actions\/[^/]+/.test(c.path)),
    ).toEqual([]);
  });

  it('converges 120 tools with zero duplicates under a 1 s listing lag and the CLI fault flags', async () => {
    const flags = parseEmulatorFlags({
      listingLagMs: '1000',
      fault5xxRate: '0.2',
      fault429Rate: '0.1',
      faultDropRate: '0.05',
      faultSeed: '11',
    });
    const names = Array.from({ length: 120 }, (_, i) => `tool_${String(i).padStart(3, '0')}`);
    const { run, emulator, client } = await workspace(
      { ...emulatorOptionsFromFlags(flags), rateLimitPerMinute: 1_000_000 },
      Object.fromEntries(names.map((n) => [n, manifest(n)])),
    );
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const apply = await run(['apply', '--auto-approve', '--settle-timeout', '2000']);
      codes.push(apply.code);
      if (apply.code === 0) break;
    }
    expect(codes.at(-1)).toBe(0);

    emulator.setFaults({ rules: [] });
    const listed = await client.dataActions.list({ category: 'genesys-tools' }).collect();
    expect(listed.map((a) => a.name).sort()).toEqual(names);
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
  }, 240_000);
});

describe('never touching what is not ours', () => {
  it('refuses two integrations with the configured name, lists their ids, and writes nothing', async () => {
    const { run, emulator, client } = await workspace({}, { a: manifest('tool_a') });
    const one = await client.integrations.create({ name: 'genesys-tools' });
    const two = await client.integrations.create({ name: 'genesys-tools' });
    emulator.clearCalls();
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('SYNC_INTEGRATION_AMBIGUOUS');
    expect(apply.stderr).toContain(one.id);
    expect(apply.stderr).toContain(two.id);
    expect(apply.stderr).toContain('--integration-id');
    expect(emulator.calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/api/'))).toEqual(
      [],
    );

    const pinned = await run(['apply', '--auto-approve', '--integration-id', two.id]);
    expect(pinned.code).toBe(0);
    const [action] = await client.dataActions.list({ category: 'genesys-tools' }).collect();
    expect(action?.integrationId).toBe(two.id);
  });

  it('refuses an integration whose credential slot holds a credential it did not create', async () => {
    const { run, emulator, client } = await workspace({}, { a: manifest('tool_a') });
    const integration = await client.integrations.create({ name: 'genesys-tools' });
    const foreign = await client.credentials.create({
      name: 'crm-oauth',
      type: { name: 'basicAuth' },
      credentialFields: { userName: 'crm', password: 'not-ours' },
    });
    const config = await client.integrations.getConfig(integration.id);
    await client.integrations.putConfig(integration.id, {
      name: 'genesys-tools',
      version: config.version,
      properties: {},
      advanced: {},
      notes: '',
      credentials: { basicAuth: { id: foreign.id } },
    });
    emulator.clearCalls();
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('SYNC_INTEGRATION_NOT_OURS');
    expect(apply.stderr).toContain('crm-oauth');
    expect(emulator.calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/api/'))).toEqual(
      [],
    );
    const after = await client.credentials.get(foreign.id);
    expect(after.type?.name).toBe('basicAuth');
  });

  it('destroy says what it leaves behind, and removes it with --remove-integration when ours and unused', async () => {
    const { run, client } = await workspace({}, { a: manifest('tool_a') });
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const [integration] = await client.integrations.findAllByName('genesys-tools');
    const destroy = await run(['destroy', '--auto-approve']);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain(
      `Left behind: integration "genesys-tools" (id ${integration?.id ?? '?'}) with credential "genesys-tools-execution"`,
    );
    expect(destroy.stdout).toContain('remove them with destroy --remove-integration');
    expect(await client.integrations.findAllByName('genesys-tools')).toHaveLength(1);

    const removed = await run(['destroy', '--auto-approve', '--remove-integration']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed the integration and its credential.');
    expect(await client.integrations.findAllByName('genesys-tools')).toHaveLength(0);
  });

  it('keeps an integration another action still uses, even with --remove-integration', async () => {
    const { run, client } = await workspace({}, { a: manifest('tool_a') });
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const [integration] = await client.integrations.findAllByName('genesys-tools');
    await client.dataActions.create({
      name: 'hand_made',
      category: 'Hand made',
      integrationId: integration?.id ?? '',
      secure: false,
      contract: {
        input: { inputSchema: { type: 'object', properties: {} } },
        output: { successSchema: { type: 'object', properties: {} } },
      },
      config: {
        request: {
          requestUrlTemplate: 'https://example.com',
          requestType: 'GET',
          headers: {},
          requestTemplate: '${input.rawRequest}',
        },
        response: {
          translationMap: {},
          translationMapDefaults: {},
          successTemplate: '${rawResult}',
        },
      },
    });
    const destroy = await run(['destroy', '--auto-approve', '--remove-integration']);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain('1 action of any category still use it');
    expect(destroy.stdout).toContain('They are kept');
    expect(await client.integrations.findAllByName('genesys-tools')).toHaveLength(1);
  });
});
