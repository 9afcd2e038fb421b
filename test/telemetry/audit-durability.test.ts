import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackgroundSync } from '../../src/telemetry/audit-background-sync.js';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { fakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';

function entry(n: number): AuditInvocationEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    invocationId: `inv-${n}`,
    tool: 'echo',
    parameters: { n },
    outcome: 'success',
    durationMs: 1,
  };
}

/** A background sync on a hand-driven timer, counting fsyncs. */
function harness(syncFails = false) {
  const timers: { ms: number; then: () => void }[] = [];
  const failures: number[] = [];
  let syncs = 0;
  const background = createBackgroundSync({
    intervalMs: 250,
    sync: () => {
      syncs += 1;
      return syncFails ? Promise.reject(new Error('EIO')) : Promise.resolve();
    },
    after: (ms, then) => timers.push({ ms, then }),
    onFailure: (_error, records) => failures.push(records),
  });
  const fire = async (): Promise<void> => {
    const timer = timers.shift();
    timer?.then();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { background, timers, failures, fire, syncs: () => syncs };
}

describe('the background fsync of write durability', () => {
  it('fsyncs once per interval for all records written in it, not once per write', async () => {
    const h = harness();
    h.background.written(3);
    h.background.written(5);
    h.background.written(1);
    expect(h.timers.map((t) => t.ms)).toEqual([250]);
    expect(h.syncs()).toBe(0);
    await h.fire();
    expect(h.syncs()).toBe(1);
    expect(h.timers).toHaveLength(0);
  });

  it('arms the next fsync for records written after the last one', async () => {
    const h = harness();
    h.background.written(1);
    await h.fire();
    h.background.written(2);
    expect(h.timers).toHaveLength(1);
    await h.fire();
    expect(h.syncs()).toBe(2);
  });

  it('reports a failed fsync with the records it may lose', async () => {
    const h = harness(true);
    h.background.written(4);
    h.background.written(3);
    await h.fire();
    expect(h.failures).toEqual([7]);
  });
});

describe('createAuditLog with durability write', () => {
  it('resolves appends once written, fsyncs on the clock, and keeps a verifiable chain', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const clock = fakeClock();
    const log = await createAuditLog(
      { file, durability: 'write', fsyncIntervalMs: 500 },
      { clock },
    );
    const before = clock.pending();
    await Promise.all([1, 2, 3].map((n) => log.append(entry(n))));
    // Written to the OS before the appends resolved: readable now, fsync still pending.
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(3);
    expect(clock.pending()).toBe(before + 1);
    await clock.advance(500);
    expect(clock.pending()).toBe(before);
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 3 });
  });

  it('refuses an unknown durability mode naming the option', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const refused = createAuditLog({
      file,
      // @ts-expect-error the mode a user might type, which the type (rightly) forbids
      durability: 'async',
    });
    await expect(refused).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('durability') as unknown,
    });
  });
});
