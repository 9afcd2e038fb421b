import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { json, startTarget } from '../emulator/target-server.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support.js';

// Issue 15 item 10: a YAML/JSON manifest has no handler, so `serve` cannot run it; registered at
// the execution URL it could only ever answer 404. A manifest names its `endpoint:`, and plan,
// apply and validate refuse one without.

const TOKEN = 'e2e-bearer-token-0123456789';

function manifest(name: string, endpoint?: string): string {
  return [
    `name: ${name}`,
    'description: Looks a thing up',
    'parameters:',
    '  sku: { type: string, description: The SKU, required: true }',
    ...(endpoint === undefined ? [] : [`endpoint: ${endpoint}`]),
    '',
  ].join('\n');
}

function project(files: Record<string, string>): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'tools'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'tools', name), text);
  return dir;
}

async function org(target: 'data-actions' | 'gateway' = 'data-actions') {
  const started = await startEmulator({ rateLimitPerMinute: 1_000_000 });
  const env = {
    GENESYS_CLOUD_API_URL: started.url,
    GENESYS_CLOUD_LOGIN_URL: started.url,
    GENESYS_CLOUD_CLIENT_ID: started.clientId,
    GENESYS_CLOUD_CLIENT_SECRET: started.clientSecret,
    GENESYS_TOOLS_TARGET: target,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
    GENESYS_TOOLS_AUDIT_FILE: 'audit/changes.jsonl',
    LOG_LEVEL: 'warn',
  };
  const client = createGenesysClient({
    apiUrl: started.url,
    clientId: started.clientId,
    clientSecret: started.clientSecret,
  });
  /** The emulator's managed data actions, read back with their config. */
  const actions = () =>
    client.dataActions.list({ category: 'genesys-tools', includeConfig: true }).collect();
  /** Every request that could have changed the org (anything but reads and tokens). */
  const writes = () =>
    started.emulator.calls.filter((c) => c.method !== 'GET' && c.path !== '/oauth/token');
  return { ...started, env, client, actions, writes };
}

/** A stand-in for a tool served elsewhere: answers the invocation contract's success envelope. */
async function toolEndpoint() {
  return startTarget(
    json(200, { status: 'success', output: { sku: 'A-1', price: 12 }, metadata: {} }),
  );
}

describe('a manifest without endpoint', { timeout: 120_000 }, () => {
  it('makes plan and apply exit 1 naming the file and the fix, with nothing written', async () => {
    const { env, writes } = await org();
    const dir = project({
      'a.yaml': manifest('tool_a', 'https://lookup.example.com/tools/a'),
      'b.yaml': manifest('tool_b'),
    });
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await cli(args, env, dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain('error DEFINITION_NO_ENDPOINT:');
      expect(r.stderr).toContain(`${join('tools', 'b.yaml')} /endpoint: DEFINITION_NO_ENDPOINT`);
      expect(r.stderr).toContain(
        'fix: Add `endpoint: https://...` to the manifest, or write the tool as a .tool.ts module that serve runs.',
      );
      expect(r.stdout).not.toContain('create');
    }
    // The whole run is refused: not even tool_a, nor the integration, was written.
    expect(writes()).toEqual([]);
  });

  it('is an error of validate too, placed in the file', async () => {
    const dir = project({ 'b.yaml': manifest('tool_b') });
    const r = await cli(['validate', '--target', 'gateway'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `error DEFINITION_NO_ENDPOINT: ${join('tools', 'b.yaml')}:1:1:/endpoint: tool "tool_b" has no handler and no endpoint`,
    );
  });
});

describe('a manifest with endpoint', { timeout: 120_000 }, () => {
  it('is registered with its endpoint as the request URL, and execute reaches it', async () => {
    const target = await toolEndpoint();
    const { env, actions } = await org();
    const endpoint = `${target.url}/hooks/lookup`;
    const dir = project({ 'lookup.yaml': manifest('lookup', endpoint) });
    const plan = await cli(['plan'], env, dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`+ config.request.requestUrlTemplate: "${endpoint}"`);
    const apply = await cli(['apply', '--auto-approve'], env, dir);
    expect(apply.code, apply.stderr).toBe(0);

    const [action] = await actions();
    expect(action?.config?.request?.requestUrlTemplate).toBe(endpoint);

    // The platform's execute calls the endpoint with the invocation envelope and the credential.
    const invoked = await cli(['invoke', 'lookup', '--param', 'sku=A-1', '--json'], env, dir);
    expect(invoked.code, invoked.stderr).toBe(0);
    expect(JSON.parse(invoked.stdout)).toMatchObject({ output: { sku: 'A-1', price: 12 } });
    expect(target.received).toHaveLength(1);
    expect(target.received[0]?.url).toBe('/hooks/lookup');
    expect(target.received[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(target.received[0]?.body ?? '')).toEqual({
      tool_name: 'lookup',
      parameters: { sku: 'A-1' },
    });
  });

  it('plans a change of endpoint as an update in place (same id)', async () => {
    const { env, actions } = await org();
    const dir = project({ 'lookup.yaml': manifest('lookup', 'https://a.example.com/lookup') });
    expect((await cli(['apply', '--auto-approve'], env, dir)).code).toBe(0);
    const [before] = await actions();
    writeFileSync(
      join(dir, 'tools', 'lookup.yaml'),
      manifest('lookup', 'https://b.example.com/lookup'),
    );
    const plan = await cli(['plan', '--detailed-exitcode'], env, dir);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('  ~ update lookup');
    expect(plan.stdout).toContain(
      '~ config.request.requestUrlTemplate: "https://a.example.com/lookup" -> "https://b.example.com/lookup"',
    );
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to replace');
    expect((await cli(['apply', '--auto-approve'], env, dir)).code).toBe(0);
    const [after] = await actions();
    expect(after?.id).toBe(before?.id);
    expect(after?.config?.request?.requestUrlTemplate).toBe('https://b.example.com/lookup');
  });

  it('is the gateway tool executionEndpoint on the gateway target', async () => {
    const { env, client } = await org('gateway');
    const dir = project({ 'lookup.yaml': manifest('lookup', 'https://a.example.com/lookup') });
    const apply = await cli(['apply', '--auto-approve'], env, dir);
    expect(apply.code, apply.stderr).toBe(0);
    const tools = await client.gatewayTools.list().collect();
    expect(tools.map((t) => [t.name, t.executionEndpoint])).toEqual([
      ['lookup', 'https://a.example.com/lookup'],
    ]);
  });
});

describe('a bad endpoint', { timeout: 120_000 }, () => {
  it.each([
    ['not an absolute URL', 'lookup.example.com/tools/a', 'is not an absolute URL'],
    ['http:// to a remote host', 'http://lookup.example.com/tools/a', 'is http:// to a host'],
    ['another scheme', 'ftp://lookup.example.com/tools/a', 'is not an https:// URL'],
    ['a Velocity reference', 'https://lookup.example.com/$input.sku', 'Velocity'],
    ['credentials in the URL', 'https://user:pw@lookup.example.com/a', 'user name or password'],
  ])('%s is a field-level error naming the file and line', async (_label, endpoint, says) => {
    const dir = project({ 'a.yaml': manifest('tool_a', JSON.stringify(endpoint)) });
    const r = await cli(['validate'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `error DEFINITION_INVALID_ENDPOINT: ${join('tools', 'a.yaml')}:5:11:/endpoint: `,
    );
    expect(r.stdout).toContain(says);
  });

  it('stops plan before any request, whatever GENESYS_TOOLS_ALLOW_INSECURE_HTTP says', async () => {
    const { env, emulator } = await org();
    const dir = project({ 'a.yaml': manifest('tool_a', 'http://lookup.example.com/a') });
    const r = await cli(['plan'], { ...env, GENESYS_TOOLS_ALLOW_INSECURE_HTTP: 'true' }, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error DEFINITION_INVALID_ENDPOINT:');
    expect(r.stderr).toContain(`${join('tools', 'a.yaml')} /endpoint:`);
    expect(emulator.calls).toEqual([]);
  });

  it('accepts http:// to loopback (the emulator, tests)', async () => {
    const dir = project({ 'a.yaml': manifest('tool_a', 'http://127.0.0.1:9/tools/a') });
    const r = await cli(['validate'], {}, dir);
    expect(r.stdout + r.stderr).toContain('valid: 1 valid tool, 0 errors');
    expect(r.code).toBe(0);
  });
});

describe('serve and a manifest', { timeout: 120_000 }, () => {
  it('refuses a directory of manifests only, naming each and where its calls go', async () => {
    const dir = project({
      'a.yaml': manifest('tool_a', 'https://lookup.example.com/tools/a'),
      'b.yaml': manifest('tool_b'),
    });
    const r = await cli(
      ['serve', '--insecure-no-auth', '--port', '0', '--metrics-port', '0'],
      {},
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'note: tool_a has no handler; it is not served here: its calls go to its endpoint https://lookup.example.com/tools/a\n',
    );
    expect(r.stderr).toContain(
      'note: tool_b has no handler and no endpoint; it is not served here, and plan and apply refuse to register it.\n',
    );
    expect(r.stderr).toContain('error DEFINITION_NOT_FOUND:');
    expect(r.stdout).not.toContain('POST');
  });

  it('mcp says the same and opens no tool for them', async () => {
    const dir = project({ 'a.yaml': manifest('tool_a', 'https://lookup.example.com/tools/a') });
    const r = await cli(['mcp', '--tools', 'tools'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'note: tool_a has no handler; it is not served here: its calls go to its endpoint https://lookup.example.com/tools/a\n',
    );
    expect(r.stderr).toContain('error DEFINITION_NOT_FOUND:');
  });
});
