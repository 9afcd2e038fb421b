import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support.js';

const MANIFEST = [
  'name: tool_a',
  'description: Looks a thing up',
  'parameters:',
  '  sku: { type: string, description: The SKU, required: true }',
  'endpoint: https://tools.example.com/api/v1/tools/tool_a',
  '',
].join('\n');

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'tool_a.yaml'), MANIFEST);
  return dir;
}

// Issue 15 item 1: a CI step written as `plan --detailed-exitcode || [ $? -eq 2 ]` must fail on
// errors; 2 means "changes" and nothing else.
describe('plan --detailed-exitcode through the built CLI', { timeout: 120_000 }, () => {
  it('exits 1, not 2, when the client secret is missing', async () => {
    const dir = project();
    const r = await cli(
      ['plan', '--detailed-exitcode'],
      {
        GENESYS_CLOUD_REGION: 'us-east-1',
        GENESYS_CLOUD_CLIENT_ID: 'some-client',
        GENESYS_CLOUD_CLIENT_SECRET: '',
        GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
      },
      dir,
    );
    expect(r.stderr).toContain('CONFIG_MISSING');
    expect(r.code).toBe(1);
  });

  it('exits 1, not 2, on a usage error (an unknown flag)', async () => {
    const r = await cli(['plan', '--detailed-exitcode', '--no-such-flag'], {}, project());
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
    expect(r.code).toBe(1);
  });

  it('exits 2 with changes and 0 with none', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
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
    const dir = project();
    const before = await cli(['plan', '--detailed-exitcode'], env, dir);
    expect(before.code, before.stderr).toBe(2);
    const apply = await cli(['apply', '--auto-approve'], env, dir);
    expect(apply.code, apply.stderr).toBe(0);
    const after = await cli(['plan', '--detailed-exitcode'], env, dir);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });
});
