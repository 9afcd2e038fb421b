import { spawnSync } from 'node:child_process';
import { readFile, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { LEASE_MS, isStale } from '../../src/telemetry/audit-lock.js';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import { MAX_BUCKETS, createRefusalTally } from '../../src/telemetry/refusal-tally.js';
import { auditLine, nextAuditRecord } from '../../src/telemetry/audit-record.js';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { tempDir } from '../support/temp-dir.js';

const KEY = 'test-hmac-key-0123456789abcdefghijkl';

function entry(n: number, extra: Partial<AuditInvocationEntry> = {}): AuditInvocationEntry {
  return {
    time: '2026-01-01T00:00:00.000Z',
    invocationId: `inv-${n}`,
    tool: 'check_inventory',
    parameters: { n },
    outcome: 'success',
    durationMs: n,
    ...extra,
  };
}

describe('audit recovery (issue 14, items 2 and 6)', () => {
  it('continues a file whose last line is 100 KB long, as an older writer left it', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = nextAuditRecord(undefined, { kind: 'invocation', entry: entry(1) }, KEY);
    const long = nextAuditRecord(
      first,
      { kind: 'invocation', entry: entry(2, { userId: 'u'.repeat(100_000) }) },
      KEY,
    );
    await writeFile(file, `${auditLine(first)}\n${auditLine(long)}\n`);
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.append(entry(3));
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 3 });
  });

  it('cuts a torn tail after a 100 KB last record and continues', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const long = nextAuditRecord(
      undefined,
      { kind: 'invocation', entry: entry(1, { userId: 'u'.repeat(100_000) }) },
      KEY,
    );
    await writeFile(file, `${auditLine(long)}\n{"conversationId":"c-`);
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.append(entry(2));
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
  });

  it.each([
    ['a JSON document without a trailing newline', '{"users":[{"name":"a"}]}'],
    ['a text file', 'hello world, these are my notes'],
    ['JSON lines of another program', '{"level":30,"msg":"hi"}\n{"level":30,"msg":"there"}\n'],
  ])('refuses %s and leaves it untouched', async (_label, content) => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeFile(file, content);
    const failure = createAuditLog({ file, hmacKey: KEY });
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_FILE_UNREADABLE' });
    await expect(failure).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('cuts a torn first record that a crash left without any complete line', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeFile(file, '{"conversationId":"c-1","durationMs":3,"hash":"ab');
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.append(entry(1));
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 1 });
  });

  it('refuses a symbolic link at the audit path and leaves its target untouched', async () => {
    const dir = tempDir();
    const target = join(dir, 'precious.json');
    await writeFile(target, '{"keep":"me"}');
    const file = join(dir, 'audit.jsonl');
    await symlink(target, file);
    const failure = createAuditLog({ file, hmacKey: KEY });
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_FILE_UNSAFE' });
    await expect(failure).rejects.toThrow(file);
    expect(await readFile(target, 'utf8')).toBe('{"keep":"me"}');
  });

  it('gives a second writer on the same file a clear error naming the file', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = await createAuditLog({ file, hmacKey: KEY });
    const failure = createAuditLog({ file, hmacKey: KEY });
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_FILE_LOCKED' });
    await expect(failure).rejects.toThrow(`"${file}"`);
    await first.append(entry(1));
    await first.close();
    const second = await createAuditLog({ file, hmacKey: KEY });
    await second.append(entry(2));
    await second.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
    expect(await readdir(join(file, '..'))).not.toContain('audit.jsonl.lock');
  });

  it('takes over a lock left by a process that died', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout.toString());
    const { hostname } = await import('node:os');
    await writeFile(`${file}.lock`, JSON.stringify({ pid, host: hostname(), startedAtMs: 1 }));
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.append(entry(1));
    await log.close();
    expect((await stat(file)).size).toBeGreaterThan(0);
  });

  it('refuses a lock held by a live process on this host', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const { hostname } = await import('node:os');
    // The parent of this test process is alive for the whole test.
    const holder = { pid: process.ppid, host: hostname(), startedAtMs: 1 };
    await writeFile(`${file}.lock`, JSON.stringify(holder));
    const failure = createAuditLog({ file, hmacKey: KEY });
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_FILE_LOCKED' });
    await expect(failure).rejects.toThrow(`process ${process.ppid}`);
  });
});

describe('stale lock detection', () => {
  it.each([
    ['no readable holder (a torn lock write)', undefined, true],
    ['this process', { pid: process.pid, startedAtMs: performance.timeOrigin }, false],
    [
      'an earlier process with our pid (a restarted container)',
      { pid: process.pid, startedAtMs: 1 },
      true,
    ],
    ['a live process', { pid: process.ppid, startedAtMs: 1 }, false],
  ])('judges a lock held by %s stale: %s', (_label, holder, stale) => {
    const us = { pid: process.pid, host: 'here', startedAtMs: performance.timeOrigin };
    expect(isStale(holder === undefined ? undefined : { ...holder, host: 'here' }, us)).toBe(stale);
  });

  it('judges a lock of another host stale only once its lease has run out', () => {
    const us = { pid: process.pid, host: 'here', startedAtMs: 1 };
    const theirs = { pid: 999_999_999, host: 'there', startedAtMs: 1 };
    expect(isStale(theirs, us, LEASE_MS - 1)).toBe(false);
    expect(isStale(theirs, us, LEASE_MS + 1)).toBe(true);
  });

  it('takes over the lock a pod on another host left behind after its lease ran out', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: 1, host: 'old-pod', startedAtMs: 1 }));
    const old = (Date.now() - 2 * LEASE_MS) / 1000;
    await utimes(`${file}.lock`, old, old);
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.close();
    await writeFile(`${file}.lock`, JSON.stringify({ pid: 1, host: 'old-pod', startedAtMs: 1 }));
    const failure = createAuditLog({ file, hmacKey: KEY });
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_FILE_LOCKED' });
    await expect(failure).rejects.toThrow('old-pod');
  });
});

describe('refusal tally', () => {
  it('keeps a bounded number of reasons and addresses whatever the callers send', () => {
    const tally = createRefusalTally();
    for (let i = 0; i < 1000; i++) {
      tally.add({ reason: `reason-${i}`, remoteAddress: `10.0.${i % 250}.${i % 7}`, timeMs: i });
    }
    tally.add({ reason: 'Not A Reason \u0000', remoteAddress: 'not an address', timeMs: 5 });
    const summaries = tally.drain();
    expect(summaries.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(summaries.reduce((n, s) => n + s.count, 0)).toBe(1001);
    for (const s of summaries) expect(s.remoteAddresses.length).toBeLessThanOrEqual(5);
    expect(summaries.find((s) => s.reason === 'other')).toMatchObject({ moreAddresses: true });
    expect(tally.size).toBe(0);
  });
});
