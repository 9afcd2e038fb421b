import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { fakeClock } from '../support/fake-clock.js';
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

/**
 * An org that already has one tool, and a workspace with twelve: the creates are held by the
 * emulator (latency on its injected clock) until the test lets them go, so the first apply holds
 * the write lease for as long as the test needs.
 */
async function twoApplies() {
  const clock = fakeClock();
  const { url, clientId, clientSecret, emulator } = await startEmulator(
    { rateLimitPerMinute: 1_000_000 },
    { clock },
  );
  const cwd = tempDir();
  mkdirSync(join(cwd, 'tools'));
  writeFileSync(join(cwd, 'tools', 'tool_00.yaml'), manifest('tool_00'));
  const env = {
    GENESYS_CLOUD_API_URL: url,
    GENESYS_CLOUD_CLIENT_ID: clientId,
    GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: 'sentinel-bearer-9f8e7d',
    LOG_LEVEL: 'silent',
    GITHUB_RUN_ID: '',
  };
  // One audit file per run: each holds its file's lock.
  let runs = 0;
  const apply = (extra: string[], jobEnv: Record<string, string> = {}) =>
    run(
      process.execPath,
      // The final settle wait runs to its bound against the emulator's frozen clock: skip it.
      [BIN, 'apply', '--auto-approve', '--concurrency', '2', '--settle-timeout', '0', ...extra],
      {
        cwd,
        env: {
          ...env,
          GENESYS_TOOLS_AUDIT_FILE: join(cwd, `audit-${String(runs++)}.jsonl`),
          ...jobEnv,
        },
      },
    );
  const first = await apply([]);
  expect(first.code, first.stderr).toBe(0);
  for (let i = 1; i <= 12; i++) {
    const name = `tool_${String(i).padStart(2, '0')}`;
    writeFileSync(join(cwd, 'tools', `${name}.yaml`), manifest(name));
  }
  emulator.setFaults({
    rules: [{ method: 'POST', path: '/api/v2/integrations/actions', latencyMs: 1_000 }],
  });
  const client = createGenesysClient({ apiUrl: url, clientId, clientSecret });
  const integrationId = (await client.integrations.list().collect())[0]?.id ?? '';
  /** Resolves once a run holds the lease of the category (read from the integration config). */
  const leaseHeld = () =>
    vi.waitFor(
      async () => {
        const config = await client.integrations.getConfig(integrationId);
        expect(JSON.stringify(config.advanced ?? {})).toContain('"genesys-tools":{');
      },
      { timeout: 60_000, interval: 50 },
    );
  /** Lets the held creates go (once one is held, so that the rule has done its work). */
  const release = async () => {
    await vi.waitFor(
      () => {
        expect(clock.pending()).toBeGreaterThan(0);
      },
      {
        timeout: 60_000,
        interval: 20,
      },
    );
    emulator.setFaults({ rules: [] });
    await clock.advance(1_000);
  };
  /** Resolves once the integration config has been read at least `n` times since `from`. */
  const configReads = (from: number, n: number) =>
    vi.waitFor(
      () => {
        expect(
          emulator.calls
            .slice(from)
            .filter((c) => c.method === 'GET' && c.path.endsWith('/config/current')).length,
        ).toBeGreaterThanOrEqual(n);
      },
      { timeout: 60_000, interval: 50 },
    );
  const managed = async () =>
    (await client.dataActions.list({ category: 'genesys-tools' }).collect()).map((a) => a.name);
  return { apply, leaseHeld, release, managed, configReads, emulator };
}

describe('two applies at once on one category and integration (built CLI)', () => {
  it('the second fails at once naming the holder; the org gets each tool once', async () => {
    const { apply, leaseHeld, release, managed } = await twoApplies();
    const winner = apply([], {
      GITHUB_RUN_ID: '4242',
      GITHUB_REPOSITORY: 'acme/tools',
      GITHUB_JOB: 'deploy',
    });
    await leaseHeld();
    const loser = await apply([]);
    expect(loser.code, loser.stdout + loser.stderr).toBe(1);
    expect(loser.stderr).toMatch(/SYNC_LOCKED/);
    expect(loser.stderr).toMatch(
      /pid \d+ on [^,]+, started \d{4}-\d\d-\d\dT[^,]+, CI job acme\/tools run 4242 job deploy/,
    );
    expect(loser.stderr).toMatch(/--lock-timeout/);
    await release();
    const won = await winner;
    expect(won.code, won.stdout + won.stderr).toBe(0);
    expect(won.stdout).toContain('Apply complete: 12 changes applied.');
    const names = await managed();
    expect(names).toHaveLength(13);
    expect(new Set(names).size).toBe(13);
  }, 120_000);

  it('with --lock-timeout the second waits, plans against what the first left, and succeeds with no duplicates', async () => {
    const { apply, leaseHeld, release, managed, configReads, emulator } = await twoApplies();
    const winner = apply([]);
    await leaseHeld();
    const from = emulator.calls.length;
    const waiter = apply(['--lock-timeout', '60000']);
    // The second run found the lease held and polled it again: it is waiting. Reads since `from`:
    // the second run's plan (1), the first run's integration set-up under its lease (1), the
    // second's first try for the lease (1): a fourth is a poll, 2 s later. Waiting for exactly 2
    // raced the first run's read and failed whenever the three came within one check (50 ms).
    await configReads(from, 4);
    await release();
    const [won, waited] = await Promise.all([winner, waiter]);
    expect(won.code, won.stdout + won.stderr).toBe(0);
    expect(waited.code, waited.stdout + waited.stderr).toBe(0);
    expect(won.stdout).toContain('Apply complete: 12 changes applied.');
    expect(waited.stdout).toMatch(/No changes|Nothing to do/);
    const names = await managed();
    expect(names).toHaveLength(13);
    expect(new Set(names).size).toBe(13);
  }, 120_000);
});
