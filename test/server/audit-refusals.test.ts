import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAuditLog } from '../../src/telemetry/index.js';
import type { AuditLogOptions, LineWriter } from '../../src/telemetry/index.js';
import { verifyAuditFiles } from '../../src/telemetry/index.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';
import { authed, invoke, server } from './helpers.js';

const KEY = 'refusals-hmac-key-0123456789abcdefgh';
const BIG_ID = `forged-${'x'.repeat(7 * 1024)}`;

async function auditedServer(
  clock: FakeClock,
  options: Partial<AuditLogOptions> = {},
  stdout?: LineWriter,
) {
  const file = join(tempDir(), 'audit', 'audit.jsonl');
  const audit = await createAuditLog(
    { file, hmacKey: KEY, ...options },
    { clock, ...(stdout === undefined ? {} : { stdout }) },
  );
  onTestFinished(() => audit.close());
  const app = await server({ audit }, { clock });
  return { app, audit, file };
}

async function records(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('calls refused before authentication (issue 14, item 1)', () => {
  it('are counted per interval into one record per reason, without any id the caller sent', async () => {
    const clock = fakeClock();
    const { app, audit, file } = await auditedServer(clock, { refusalIntervalMs: 10_000 });
    const headers = {
      'content-type': 'application/json',
      'inin-user-id': BIG_ID,
      'inin-correlation-id': BIG_ID,
      'inin-organization-id': BIG_ID,
    };
    for (let i = 0; i < 30; i++) {
      const res = await invoke(app, { sku: 'a' }, 'check_inventory', headers);
      expect(res.statusCode).toBe(401);
    }
    const wrong = { ...headers, authorization: 'Bearer wrong-token-123' };
    for (let i = 0; i < 5; i++) await invoke(app, { sku: 'a' }, 'check_inventory', wrong);
    await audit.flush();
    // Nothing written per refused call.
    expect(await records(file)).toEqual([]);

    await clock.advance(10_000);
    await audit.flush();
    const written = await records(file);
    expect(written.map((r) => [r.kind, r.reason, r.count])).toEqual([
      ['refused-calls', 'missing-credentials', 30],
      ['refused-calls', 'wrong-credentials', 5],
    ]);
    expect(written[0]).toMatchObject({ remoteAddresses: ['127.0.0.1'], moreAddresses: false });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('forged-');
    expect(text.length).toBeLessThan(2000);
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
  });

  it('writes the counts still pending when the log closes', async () => {
    const clock = fakeClock();
    const { app, audit, file } = await auditedServer(clock);
    await invoke(app, { sku: 'a' }, 'check_inventory', { 'content-type': 'application/json' });
    await audit.close();
    expect((await records(file)).map((r) => [r.kind, r.count])).toEqual([['refused-calls', 1]]);
  });

  it('keeps bounded ININ-* ids of an authenticated call and drops oversized or unprintable ones', async () => {
    const clock = fakeClock();
    const { app, audit, file } = await auditedServer(clock);
    const call = (ids: Record<string, string>) =>
      invoke(app, { sku: 'a' }, 'check_inventory', { ...authed, ...ids });
    expect(
      (await call({ 'inin-user-id': 'user-1', 'inin-correlation-id': 'corr-1' })).statusCode,
    ).toBe(200);
    expect((await call({ 'inin-user-id': BIG_ID, 'inin-correlation-id': 'a\tb' })).statusCode).toBe(
      200,
    );
    await audit.flush();
    const [kept, dropped] = await records(file);
    expect(kept).toMatchObject({ userId: 'user-1', correlationId: 'corr-1' });
    expect(dropped).not.toHaveProperty('userId');
    expect(dropped).not.toHaveProperty('correlationId');
  });

  it('gives a sink without `refused` one entry per refusal, without caller-supplied ids', async () => {
    const entries: Record<string, unknown>[] = [];
    const app = await server({
      audit: {
        append: (entry) => {
          entries.push({ ...entry });
          return Promise.resolve();
        },
      },
    });
    await invoke(app, { sku: 'a' }, 'check_inventory', {
      'content-type': 'application/json',
      'inin-user-id': 'u-1',
      'inin-correlation-id': 'c-1',
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ errorCode: 'UNAUTHORIZED' });
    expect(entries[0]).not.toHaveProperty('userId');
    expect(entries[0]).not.toHaveProperty('correlationId');
  });
});

describe('readiness and the audit sink (issue 14, item 1)', () => {
  it('turns /readyz to 503 while the sink fails and back once a probe write succeeds', async () => {
    const clock = fakeClock();
    let failing = true;
    const lines: string[] = [];
    const stdout: LineWriter = {
      write: (chunk, callback) => {
        if (failing) callback(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
        else {
          lines.push(chunk);
          callback();
        }
        return true;
      },
    };
    const { app } = await auditedServer(clock, { sink: 'stdout', probeIntervalMs: 1000 }, stdout);
    const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).json<unknown>();
    expect(await ready()).toEqual({ status: 'ready' });

    expect((await invoke(app)).statusCode).toBe(500);
    expect(await ready()).toEqual({ status: 'audit-unavailable' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    await clock.advance(1000); // the probe fails too: still not ready
    expect(await ready()).toEqual({ status: 'audit-unavailable' });

    failing = false;
    await clock.advance(1000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await clock.advance(0);
    expect(await ready()).toEqual({ status: 'ready' });
    const recovered = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recovered).toEqual([
      expect.objectContaining({ kind: 'sink-recovered', failedRecords: 1 }),
    ]);
    expect((await invoke(app)).statusCode).toBe(200);
  });
});
