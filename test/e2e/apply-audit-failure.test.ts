import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { BIN, run } from './support.js';

function manifest(name: string): string {
  return [
    `name: ${name}`,
    `description: Checks real-time inventory levels for ${name}`,
    'parameters:',
    '  sku: { type: string, description: Product stock keeping unit, required: true }',
    `endpoint: https://tools.example.com/api/v1/tools/${name}`,
  ].join('\n');
}

describe('apply when the audit log cannot be written mid-run (built CLI)', () => {
  it('stops cleanly: no stack, exit 1, what was done printed, every created action in the org and nothing more', async () => {
    const { url, clientId, clientSecret, emulator } = await startEmulator({
      rateLimitPerMinute: 1_000_000,
    });
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    const names = Array.from({ length: 12 }, (_, i) => `tool_${String(i + 1).padStart(2, '0')}`);
    for (const n of names) writeFileSync(join(cwd, 'tools', `${n}.yaml`), manifest(n));
    const auditFile = join(cwd, 'changes.jsonl');
    // RLIMIT_FSIZE of 2 KiB: the first few records fit, then every write fails with EFBIG (Node
    // ignores SIGXFSZ), as on a full disk.
    const result = await run(
      'sh',
      [
        '-c',
        'ulimit -f 2 && exec "$0" "$@"',
        process.execPath,
        BIN,
        'apply',
        '--auto-approve',
        '--concurrency',
        '2',
      ],
      {
        cwd,
        env: {
          GENESYS_CLOUD_API_URL: url,
          GENESYS_CLOUD_CLIENT_ID: clientId,
          GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
          GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
          GENESYS_TOOLS_BEARER_TOKEN: 'sentinel-bearer-9f8e7d',
          GENESYS_TOOLS_AUDIT_FILE: auditFile,
          LOG_LEVEL: 'silent',
        },
      },
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(/SYNC_APPLY_STOPPED/);
    expect(result.stderr).toMatch(/AUDIT_WRITE_FAILED/);
    // No raw stack trace.
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const applied = /(\d+) of 12 applied/.exec(result.stderr);
    expect(applied).not.toBeNull();
    const count = Number(applied?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(12);
    // Every applied change was reported on a progress line, once.
    const lines = result.stdout.split('\n').filter((l) => /\+ create tool_\d+: applied/.test(l));
    expect(lines).toHaveLength(count);
    // The org holds exactly the actions reported as applied: none made after the stop.
    const posted = emulator.calls.filter(
      (c) => c.method === 'POST' && c.path === '/api/v2/integrations/actions',
    );
    expect(posted).toHaveLength(count);
    // No record of a change that did not happen.
    const records = readFileSync(auditFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(records.length).toBeLessThanOrEqual(count);
  }, 120_000);
});
