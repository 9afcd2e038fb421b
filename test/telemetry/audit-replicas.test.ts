import { readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { auditFileOf, instanceIdFromHost, loadEnvConfig } from '../../src/config.js';
import { groupAuditChains } from '../../src/telemetry/audit-dir.js';
import { fakeCliContext } from '../support/cli-context.js';
import { tempDir } from '../support/temp-dir.js';

const repo = resolve(import.meta.dirname, '../..');
const TOKEN = 'replica-token-0123456789abcdef';

/** Runs `serve` as one replica until the returned stop is called; resolves once it listens. */
async function replica(env: Record<string, string>, flags: readonly string[] = []) {
  const stop = new AbortController();
  const run = fakeCliContext({
    env: { GENESYS_TOOLS_BEARER_TOKEN: TOKEN, ...env },
    cwd: repo,
    stop,
  });
  const args = ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'];
  const exit = runCli([...args, ...flags], run.ctx);
  await Promise.race([run.printed('/healthz'), exit]);
  const url = /POST (http:\/\/127\.0\.0\.1:\d+\/api\/v1\/tools\/check_inventory)/.exec(
    run.out(),
  )?.[1];
  if (url === undefined) throw new Error(`serve did not start: ${run.err()}`);
  const call = async (): Promise<number> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'SKU-1' } }),
    });
    await res.text();
    return res.status;
  };
  return {
    call,
    stop: async (): Promise<number> => {
      stop.abort();
      return exit;
    },
  };
}

function records(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('replica-safe audit', () => {
  it('gives each replica its own file named and stamped with its instance id, and verify DIR checks each chain', async () => {
    const dir = tempDir();
    const template = join(dir, 'audit.{instance}.jsonl');
    const a = await replica({ GENESYS_TOOLS_AUDIT_FILE: template, GENESYS_TOOLS_INSTANCE_ID: 'a' });
    const b = await replica(
      { GENESYS_TOOLS_AUDIT_FILE: template, GENESYS_TOOLS_INSTANCE_ID: 'b' },
      ['--audit-durability', 'write', '--audit-fsync-interval', '50'],
    );
    expect([await a.call(), await b.call(), await b.call()]).toEqual([200, 200, 200]);
    expect([await a.stop(), await b.stop()]).toEqual([0, 0]);

    const fileA = join(dir, 'audit.a.jsonl');
    const fileB = join(dir, 'audit.b.jsonl');
    expect(records(await readFile(fileA, 'utf8')).map((r) => r.instance)).toEqual(['a']);
    expect(records(await readFile(fileB, 'utf8')).map((r) => r.instance)).toEqual(['b', 'b']);

    const ok = fakeCliContext();
    expect(await runCli(['audit', 'verify', dir, '--json'], ok.ctx)).toBe(0);
    const report = JSON.parse(ok.out()) as {
      ok: boolean;
      chains: { ok: boolean; records: number; files: string[] }[];
    };
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.files, c.records])).toEqual([
      [[fileA], 1],
      [[fileB], 2],
    ]);

    // One replica's chain broken: that chain is named, the other still passes, exit 1.
    const lines = (await readFile(fileB, 'utf8')).split('\n');
    lines[0] = lines[0]!.replace('"durationMs":', '"durationMs":9');
    await writeFile(fileB, lines.join('\n'));
    const broken = fakeCliContext();
    expect(await runCli(['audit', 'verify', dir], broken.ctx)).toBe(1);
    expect(broken.out()).toContain(`ok      ${fileA}: 1 records`);
    expect(broken.out()).toContain(`BROKEN  ${fileB}: at ${fileB}:1: hash mismatch`);
  });

  it('refuses a second replica with the same instance id on the same file', async () => {
    const dir = tempDir();
    const env = {
      GENESYS_TOOLS_AUDIT_FILE: join(dir, 'audit.{instance}.jsonl'),
      GENESYS_TOOLS_INSTANCE_ID: 'same',
    };
    const first = await replica(env);
    const second = fakeCliContext({
      env: { GENESYS_TOOLS_BEARER_TOKEN: TOKEN, ...env },
      cwd: repo,
    });
    const code = await runCli(
      ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'],
      second.ctx,
    );
    expect(code).not.toBe(0);
    expect(second.err()).toContain('AUDIT_FILE_LOCKED');
    expect(second.err()).toContain('GENESYS_TOOLS_INSTANCE_ID');
    expect(await first.stop()).toBe(0);
  });

  it('exits 1 when a directory holds no audit file', async () => {
    const empty = fakeCliContext();
    expect(await runCli(['audit', 'verify', tempDir()], empty.ctx)).toBe(1);
    expect(empty.out()).toContain('no audit files');
  });

  it('refuses --anchor with a directory', async () => {
    const run = fakeCliContext();
    const anchor = 'a'.repeat(64);
    expect(await runCli(['audit', 'verify', tempDir(), '--anchor', anchor], run.ctx)).not.toBe(0);
    expect(run.err()).toContain('CONFIG_USAGE');
  });
});

describe('instance ids', () => {
  it('default to the host name and go into the default audit file name', () => {
    const env = loadEnvConfig({});
    expect(env.instanceId).toBe(instanceIdFromHost(hostname()));
    expect(env.auditFile).toBe(`./audit/audit.${env.instanceId}.jsonl`);
    expect(env.auditDurability).toBe('fsync');
  });

  it('come from GENESYS_TOOLS_INSTANCE_ID, and a bad one is refused naming the variable', () => {
    expect(loadEnvConfig({ GENESYS_TOOLS_INSTANCE_ID: 'pod-7' }).instanceId).toBe('pod-7');
    expect(() => loadEnvConfig({ GENESYS_TOOLS_INSTANCE_ID: '../etc' })).toThrow(
      /GENESYS_TOOLS_INSTANCE_ID/,
    );
  });

  it.each([
    ['genesys-tools-7d9f8-abcde', 'genesys-tools-7d9f8-abcde'],
    ['host.example.com', 'host.example.com'],
    ['we ird/host', 'we-ird-host'],
    ['.hidden', 'hidden'],
    ['', 'instance'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('a host name %j gives the instance id %j', (host, id) => {
    expect(instanceIdFromHost(host)).toBe(id);
  });

  it('replace {instance} in an audit path, and leave a path without it alone', () => {
    expect(auditFileOf('/var/audit/audit.{instance}.jsonl', 'b')).toBe('/var/audit/audit.b.jsonl');
    expect(auditFileOf('/var/audit/audit.jsonl', 'b')).toBe('/var/audit/audit.jsonl');
  });
});

describe('groupAuditChains', () => {
  it.each([
    [['audit.a.jsonl'], [['audit.a.jsonl']]],
    [
      ['audit.b.jsonl', 'audit.a.jsonl.2', 'audit.a.jsonl', 'audit.a.jsonl.10', 'audit.a.jsonl.1'],
      [
        ['audit.a.jsonl.1', 'audit.a.jsonl.2', 'audit.a.jsonl.10', 'audit.a.jsonl'],
        ['audit.b.jsonl'],
      ],
    ],
    [
      [
        'audit.a.jsonl',
        'audit.a.jsonl.lock',
        'audit.a.jsonl.hmac-key',
        '.nfs0001',
        'x.lock.stale-1-2',
      ],
      [['audit.a.jsonl']],
    ],
    // Only rotated files left of a chain (its current file was removed): still one chain.
    [['old.jsonl.3', 'old.jsonl.4'], [['old.jsonl.3', 'old.jsonl.4']]],
  ])('groups %j as %j', (names, chains) => {
    expect(groupAuditChains(names)).toEqual(chains);
  });
});

// A smoke check that the directory scan reads what the writer leaves beside the records.
describe('auditChainsIn', () => {
  it('skips the lock and key files of a directory written by serve', async () => {
    const dir = tempDir();
    const a = await replica({
      GENESYS_TOOLS_AUDIT_FILE: join(dir, 'audit.{instance}.jsonl'),
      GENESYS_TOOLS_INSTANCE_ID: 'solo',
    });
    expect(await a.call()).toBe(200);
    const names = await readdir(dir);
    expect(names).toContain('audit.solo.jsonl.hmac-key');
    expect(groupAuditChains(names)).toEqual([['audit.solo.jsonl']]);
    expect(await a.stop()).toBe(0);
  });
});
