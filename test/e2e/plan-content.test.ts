import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support.js';

function manifest(name: string): string {
  return [
    `name: ${name}`,
    'description: Looks a thing up',
    'parameters:',
    '  sku: { type: string, description: The SKU, required: true }',
    `endpoint: https://tools.example.com/api/v1/tools/${name}`,
    '',
  ].join('\n');
}

async function workspace(names: readonly string[]): Promise<{
  dir: string;
  env: Record<string, string>;
}> {
  const { url, clientId, clientSecret } = await startEmulator();
  const dir = tempDir();
  mkdirSync(join(dir, 'tools'));
  for (const n of names) writeFileSync(join(dir, 'tools', `${n}.yaml`), manifest(n));
  const env = {
    GENESYS_CLOUD_API_URL: url,
    GENESYS_CLOUD_LOGIN_URL: url,
    GENESYS_CLOUD_CLIENT_ID: clientId,
    GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: 'e2e-bearer-token-0123456789',
    GENESYS_TOOLS_AUDIT_FILE: 'audit.jsonl',
    LOG_LEVEL: 'warn',
  };
  return { dir, env };
}

// Issue 15 item 8: a managed tool whose file is gone showed as "unchanged", and plan given one
// file said "2 tools ... match the files".
describe('managed tools that no file defines, through the built CLI', { timeout: 120_000 }, () => {
  it('plan given one file shows the other as kept, counted apart', async () => {
    const { dir, env } = await workspace(['tool_a', 'tool_b']);
    const apply = await cli(['apply', '--auto-approve'], env, dir);
    expect(apply.code, apply.stderr).toBe(0);

    const plan = await cli(['plan', 'tools/tool_a.yaml', '--detailed-exitcode'], env, dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      'No changes. 1 tool in category "genesys-tools" (data-actions) matches the files.\n' +
        '1 managed tool is not in the files (kept; --prune deletes):\n' +
        '  = tool_b (id ',
    );

    const json = await cli(['plan', 'tools/tool_a.yaml', '--json'], env, dir);
    const parsed = JSON.parse(json.stdout) as {
      summary: Record<string, number>;
      changes: { name: string; action: string; notInFiles?: boolean }[];
    };
    expect(parsed.summary).toMatchObject({ unchanged: 1, notInFiles: 1 });
    expect(parsed.changes.find((c) => c.name === 'tool_b')).toMatchObject({
      action: 'unchanged',
      notInFiles: true,
    });

    const prune = await cli(['plan', 'tools/tool_a.yaml', '--prune'], env, dir);
    expect(prune.stdout).toContain('  - delete tool_b');
  });
});

// Issue 15 item 17 (plan content): a create showed only its name.
describe('what plan shows of a create, through the built CLI', { timeout: 120_000 }, () => {
  it('lists the attributes apply writes, and that the integration is created first', async () => {
    const { dir, env } = await workspace(['tool_a']);
    const plan = await cli(['plan'], env, dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('  + create tool_a\n');
    for (const line of [
      '      + contract.input.properties.sku.type: "string"',
      '      + contract.input.required: ["sku"]',
      '      + config.request.requestUrlTemplate: "https://tools.example.com/api/v1/tools/tool_a"',
      '      + config.timeoutSeconds: 7',
      '      + integrationId: (the integration of this registry; apply creates it and its credential first when there is none)',
    ]) {
      expect(plan.stdout).toContain(`${line}\n`);
    }
    expect(plan.stdout).not.toContain('e2e-bearer-token');
    const json = await cli(['plan', '--json'], env, dir);
    const parsed = JSON.parse(json.stdout) as {
      changes: { action: string; attributes?: { path: string; after: unknown }[] }[];
    };
    expect(parsed.changes[0]?.attributes).toContainEqual({
      path: 'config.request.requestType',
      after: 'POST',
    });
  });
});

// Issue 15 item 17: plan did not say that apply creates the integration and its credential, nor
// that it writes the credential's token again.
describe(
  'the integration and credential changes in plan, through the built CLI',
  { timeout: 120_000 },
  () => {
    it('lists and counts them on an empty org, and the token write once they exist', async () => {
      const { dir, env } = await workspace(['tool_a']);
      const plan = await cli(['plan', '--detailed-exitcode'], env, dir);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain(
        '  + create integration "genesys-tools" (Web Services Data Actions, enabled)\n' +
          '  + create credential "genesys-tools-execution" (User Defined, token from GENESYS_TOOLS_BEARER_TOKEN)\n' +
          '  + create tool_a\n',
      );
      expect(plan.stdout).toContain(
        'Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged; integration and credential: 2 to create.\n',
      );
      expect(plan.stdout).not.toContain(env.GENESYS_TOOLS_BEARER_TOKEN);
      const json = await cli(['plan', '--json'], env, dir);
      const parsed = JSON.parse(json.stdout) as {
        summary: Record<string, number>;
        setup: { action: string; what: string; name: string }[];
      };
      expect(parsed.summary).toMatchObject({ create: 1, setup: 2 });
      expect(parsed.setup.map((c) => `${c.action} ${c.what} ${c.name}`)).toEqual([
        'create integration genesys-tools',
        'create credential genesys-tools-execution',
      ]);
      expect(json.stdout).not.toContain(env.GENESYS_TOOLS_BEARER_TOKEN);

      expect((await cli(['apply', '--auto-approve'], env, dir)).code).toBe(0);
      // Nothing to do: apply does not touch the credential, so plan shows nothing of it.
      const settled = await cli(['plan', '--detailed-exitcode'], env, dir);
      expect(settled.code, settled.stderr).toBe(0);
      expect(settled.stdout).not.toContain('credential');
      // A change: apply writes the token again (it cannot be read back to compare).
      writeFileSync(join(dir, 'tools', 'tool_b.yaml'), manifest('tool_b'));
      const more = await cli(['plan'], env, dir);
      expect(more.stdout).toContain(
        '  ~ update credential "genesys-tools-execution" (token from GENESYS_TOOLS_BEARER_TOKEN; written on every apply that changes something, as it cannot be read back)\n',
      );
      expect(more.stdout).toContain('; integration and credential: 1 to update.\n');
    });
  },
);
