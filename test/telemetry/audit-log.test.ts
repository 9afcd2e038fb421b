import { appendFile, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGenesysToolsError } from '../../src/errors.js';
import { createAuditLog, auditLogFiles } from '../../src/telemetry/audit-log.js';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { fakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';

function entry(n: number, parameters: unknown = { sku: `SKU-${n}` }): AuditInvocationEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    invocationId: `inv-${n}`,
    tool: 'check_inventory',
    conversationId: 'conv-1',
    correlationId: `corr-${n}`,
    parameters,
    outcome: n % 3 === 0 ? 'error' : 'success',
    ...(n % 3 === 0 ? { errorCode: 'EXECUTION_FAILURE' } : {}),
    durationMs: n,
  };
}

async function readLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
}

describe('createAuditLog', () => {
  it('writes one chained line per append and verify passes', async () => {
    const file = join(tempDir(), 'audit', 'audit.jsonl');
    const log = await createAuditLog({ file });
    await Promise.all([1, 2, 3, 4, 5].map((n) => log.append(entry(n))));
    await log.close();
    const lines = await readLines(file);
    expect(lines.map((l) => (JSON.parse(l) as { invocationId: string }).invocationId)).toEqual([
      'inv-1',
      'inv-2',
      'inv-3',
      'inv-4',
      'inv-5',
    ]);
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 5 });
  });

  it('resolves an append only once its record is on disk', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file, flushIntervalMs: 50 });
    await log.append(entry(1));
    expect(await readLines(file)).toHaveLength(1);
    await log.close();
  });

  it('writes a full batch at once without waiting for the timer', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const neverFires = { nowMs: () => 0, sleep: () => new Promise<void>(() => undefined) };
    const log = await createAuditLog({ file, maxBatch: 3 }, { clock: neverFires });
    await Promise.all([1, 2, 3].map((n) => log.append(entry(n))));
    expect(await readLines(file)).toHaveLength(3);
    await log.close();
  });

  it('never stores the parameters, only their hash', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file });
    await log.append(entry(1, { email: 'jane.doe@example.com', card: '4111111111111111' }));
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('4111111111111111');
    expect(text).toMatch(/"parametersHmac":"[0-9a-f]{64}"/);
  });

  it('continues the chain of an existing file after a restart', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = await createAuditLog({ file });
    await first.append(entry(1));
    await first.close();
    const second = await createAuditLog({ file });
    await second.append(entry(2));
    await second.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
  });

  it('cuts off a torn last line left by a crash and continues the chain', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = await createAuditLog({ file });
    await first.append(entry(1));
    await first.close();
    await appendFile(file, '{"kind":"invocation","time":"2026-');
    const second = await createAuditLog({ file });
    await second.append(entry(2));
    await second.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
  });

  it('rotates by size and keeps the chain across files', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file, maxBytes: 1024, maxBatch: 1 });
    for (let n = 1; n <= 12; n++) await log.append(entry(n));
    await log.close();
    const files = await auditLogFiles(file);
    expect(files.length).toBeGreaterThan(2);
    expect(files.at(-1)).toBe(file);
    expect(await verifyAuditFiles(files)).toMatchObject({ ok: true, records: 12 });
    const secondFile = await readLines(files[1]!);
    const firstFile = await readLines(files[0]!);
    const lastOfFirst = JSON.parse(firstFile.at(-1)!) as { hash: string };
    expect((JSON.parse(secondFile[0]!) as { prev: string }).prev).toBe(lastOfFirst.hash);
  });

  it('rejects appends with AUDIT_WRITE_FAILED when the write fails', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit.jsonl');
    const log = await createAuditLog(
      { file, sink: 'stdout' },
      {
        stdout: {
          write: (_chunk, callback) => {
            callback(new Error('EPIPE'));
            return false;
          },
        },
      },
    );
    const failure: unknown = await log.append(entry(1)).catch((e: unknown) => e);
    expect(isGenesysToolsError(failure) && failure.code).toBe('AUDIT_WRITE_FAILED');
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes chained records to the stdout sink', async () => {
    const chunks: string[] = [];
    const log = await createAuditLog(
      { file: 'unused.jsonl', sink: 'stdout' },
      {
        stdout: {
          write: (chunk, callback) => {
            chunks.push(chunk);
            callback();
            return true;
          },
        },
      },
    );
    await log.append(entry(1));
    await log.appendChange({
      time: '2026-01-01T00:00:00.000Z',
      actor: 'client-id-1',
      action: 'create',
      tool: 'check_inventory',
      target: 'data-actions',
      remoteId: 'custom_-_abc',
      outcome: 'success',
    });
    await log.close();
    const dir = tempDir();
    const copy = join(dir, 'copy.jsonl');
    await writeFile(copy, chunks.join(''));
    expect(await verifyAuditFiles([copy])).toMatchObject({ ok: true, records: 2 });
    expect(chunks.join('')).toContain('"kind":"registry-change"');
  });

  it('rejects appends after close', async () => {
    const log = await createAuditLog({ file: join(tempDir(), 'a.jsonl') });
    await log.close();
    await expect(log.append(entry(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
  });

  it('rejects unknown options with CONFIG_INVALID', async () => {
    const options = { file: 'x', fsync: false };
    await expect(createAuditLog(options)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('createAuditLog group commit', () => {
  it('holds a lone append until flushIntervalMs passes on the clock', async () => {
    const clock = fakeClock();
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file, flushIntervalMs: 5 }, { clock });
    let resolved = false;
    const pending = log.append(entry(1)).then(() => {
      resolved = true;
    });
    await clock.advance(4);
    // The flush waits on the fake clock, not on a wall-clock timer that a sleep would race.
    // (the log's other clock waiters, the refusal interval and the lock lease, sleep too)
    expect(clock.pending()).toBeGreaterThanOrEqual(1);
    expect(resolved).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('');
    await clock.advance(1);
    await pending;
    expect(await readLines(file)).toHaveLength(1);
    await log.close();
  });

  it('with flushIntervalMs 0 writes at the next turn of the event loop, not on the clock', async () => {
    const neverFires = { nowMs: () => 0, sleep: () => new Promise<void>(() => undefined) };
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file, flushIntervalMs: 0 }, { clock: neverFires });
    await Promise.all([log.append(entry(1)), log.append(entry(2))]);
    expect(await readLines(file)).toHaveLength(2);
    await log.close();
  });

  it('by default writes at the next turn of the event loop, not on the clock', async () => {
    const neverFires = { nowMs: () => 0, sleep: () => new Promise<void>(() => undefined) };
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file }, { clock: neverFires });
    await log.append(entry(1));
    expect(await readLines(file)).toHaveLength(1);
    await Promise.all([2, 3, 4].map((n) => log.append(entry(n))));
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 4 });
  });

  it('does not advance the chain over a batch that failed to write', async () => {
    const written: string[] = [];
    let fail = true;
    const log = await createAuditLog(
      { file: 'unused.jsonl', sink: 'stdout', maxBatch: 1 },
      {
        stdout: {
          write: (chunk, callback) => {
            if (fail) {
              fail = false;
              callback(new Error('EIO'));
              return false;
            }
            written.push(chunk);
            callback();
            return true;
          },
        },
      },
    );
    await expect(log.append(entry(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    await log.append(entry(2));
    await log.close();
    const copy = join(tempDir(), 'copy.jsonl');
    await writeFile(copy, written.join(''));
    expect(await verifyAuditFiles([copy])).toMatchObject({ ok: true, records: 1 });
  });
});

describe('createAuditLog recovery', () => {
  it('continues from the newest rotated file when a crash left no current file', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = await createAuditLog({ file });
    await first.append(entry(1));
    await first.append(entry(2));
    await first.close();
    await rename(file, `${file}.1`);
    const second = await createAuditLog({ file });
    await second.append(entry(3));
    await second.close();
    expect(await verifyAuditFiles([`${file}.1`, file])).toMatchObject({ ok: true, records: 3 });
  });

  it('refuses to continue a file whose last line is not a record', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeFile(file, 'not json\n');
    await expect(createAuditLog({ file })).rejects.toMatchObject({ code: 'AUDIT_FILE_UNREADABLE' });
  });
});
