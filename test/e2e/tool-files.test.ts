import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** A Kubernetes ConfigMap mount: every file a link into `..data`, itself a link to a dated dir. */
function configMapMount(dir: string, names: readonly string[]): void {
  const dated = join(dir, '..2026_12_02_10_00_00.123');
  mkdirSync(dated, { recursive: true });
  for (const n of names) writeFileSync(join(dated, `${n}.yaml`), manifest(n));
  symlinkSync('..2026_12_02_10_00_00.123', join(dir, '..data'));
  for (const n of names) symlinkSync(`..data/${n}.yaml`, join(dir, `${n}.yaml`));
}

async function emulatorEnv(): Promise<Record<string, string>> {
  const { url, clientId, clientSecret } = await startEmulator();
  return {
    GENESYS_CLOUD_API_URL: url,
    GENESYS_CLOUD_LOGIN_URL: url,
    GENESYS_CLOUD_CLIENT_ID: clientId,
    GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: 'e2e-bearer-token-0123456789',
    GENESYS_TOOLS_AUDIT_FILE: 'audit.jsonl',
    LOG_LEVEL: 'warn',
  };
}

// Issue 15 item 7: symbolic links were skipped without a word, so a ConfigMap mount loaded
// nothing and `plan --prune` planned to delete every tool.
describe(
  'tool files reached through symbolic links, through the built CLI',
  { timeout: 120_000 },
  () => {
    it('validate loads a ConfigMap-like mount and reports a looping link', async () => {
      const dir = tempDir();
      const tools = join(dir, 'tools');
      mkdirSync(tools);
      configMapMount(tools, ['tool_a', 'tool_b']);
      symlinkSync('.', join(tools, 'loop'));
      const r = await cli(['validate', 'tools', '--json'], {}, dir);
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as { file: string; code: string; message: string }[];
      expect(rows).toEqual([
        expect.objectContaining({
          file: join('tools', 'loop'),
          code: 'DEFINITION_FILE_SKIPPED',
          severity: 'warning',
        }),
      ]);
      expect(rows[0]?.message).toContain('a symbolic link to a directory already read');
      const text = await cli(['validate', 'tools'], {}, dir);
      expect(text.stdout).toContain('valid: 2 valid tools, 0 errors, 1 warning');
    });

    it('a broken link named like a tool file stops plan rather than planning a delete', async () => {
      const dir = tempDir();
      const tools = join(dir, 'tools');
      mkdirSync(tools);
      writeFileSync(join(tools, 'tool_a.yaml'), manifest('tool_a'));
      symlinkSync('gone/tool_b.yaml', join(tools, 'tool_b.yaml'));
      const r = await cli(['plan', '--prune', '--json'], await emulatorEnv(), dir);
      expect(r.code).toBe(1);
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('DEFINITION_NOT_FOUND');
      expect(error.message).toContain('tools/tool_b.yaml');
      expect(error.message).toContain('a broken symbolic link');
    });

    it('plan --prune after moving the files into a ConfigMap mount plans no delete', async () => {
      const env = await emulatorEnv();
      const dir = tempDir();
      const tools = join(dir, 'tools');
      mkdirSync(tools);
      for (const n of ['tool_a', 'tool_b']) writeFileSync(join(tools, `${n}.yaml`), manifest(n));
      const apply = await cli(['apply', '--auto-approve'], env, dir);
      expect(apply.code, apply.stderr).toBe(0);

      const mounted = tempDir();
      mkdirSync(join(mounted, 'tools'));
      configMapMount(join(mounted, 'tools'), ['tool_a', 'tool_b']);
      const plan = await cli(['plan', '--prune', '--detailed-exitcode'], env, mounted);
      expect(plan.stdout).not.toContain('delete');
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    });
  },
);
