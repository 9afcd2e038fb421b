import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support.js';

// Issue 15 item 17: a 429 or a 503 made apply wait without a word.
describe('apply reports its long waits, through the built CLI', { timeout: 120_000 }, () => {
  it('prints a line for a 429 wait and for a retry on stderr (no terminal), none on stdout', async () => {
    const { url, clientId, clientSecret, emulator } = await startEmulator({
      faults: {
        rules: [
          {
            method: 'GET',
            path: '/api/v2/integrations/actions',
            errorRate: 1,
            errorStatus: 503,
            times: 1,
          },
          { method: 'POST', path: '/api/v2/integrations/actions', rateLimitRate: 1, times: 1 },
        ],
      },
    });
    const dir = tempDir();
    mkdirSync(join(dir, 'tools'));
    writeFileSync(
      join(dir, 'tools', 'lookup.yaml'),
      [
        'name: lookup',
        'description: Looks a thing up',
        'endpoint: https://tools.example.com/api/v1/tools/lookup',
        'parameters:',
        '  sku: { type: string, description: The SKU, required: true }',
        '',
      ].join('\n'),
    );
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
    const apply = await cli(['apply', '--auto-approve'], env, dir);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain('retry 1/4 in 1.0 s: 503 on GET /api/v2/integrations/actions\n');
    expect(apply.stderr).toContain(
      'waiting 1.0 s: Genesys rate limit (429) on POST /api/v2/integrations/actions\n',
    );
    // Not a terminal: plain lines, no cursor movement, no colour.
    expect(apply.stderr).not.toContain('\r');
    expect(apply.stderr).not.toContain('\u001b[');
    expect(apply.stdout).not.toContain('retry ');
    expect(apply.stdout).not.toContain('Genesys rate limit');

    // With --json, the progress is JSON lines on stderr and stdout stays one JSON document.
    emulator.setFaults({
      rules: [{ method: 'GET', path: '/api/v2/integrations/actions', rateLimitRate: 1, times: 1 }],
    });
    const json = await cli(['plan', '--json'], env, dir);
    expect(json.code, json.stderr).toBe(0);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    const progress = json.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(progress).toContainEqual(
      expect.objectContaining({
        progress: 'rate-limited',
        method: 'GET',
        route: '/api/v2/integrations/actions',
        message: 'waiting 1.0 s: Genesys rate limit (429) on GET /api/v2/integrations/actions',
      }),
    );
  });
});
