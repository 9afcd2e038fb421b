import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { auditLogFiles, createAuditLog, verifyAuditFiles } from '../../src/telemetry/index.js';
import type { AuditLogOptions } from '../../src/telemetry/index.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';
import { TOKEN, TOKEN_2, authed, invoke, recordingLogger, server, tool } from './helpers.js';

const KEY = 'summaries-hmac-key-0123456789abcdefgh';
const PARAMETER_SENTINEL = 'SENTINEL-PARAMETER-VALUE-7f3a';

async function auditedServer(clock: FakeClock, options: Partial<AuditLogOptions> = {}) {
  const file = join(tempDir(), 'audit', 'audit.jsonl');
  const logger = recordingLogger();
  const audit = await createAuditLog({ file, hmacKey: KEY, ...options }, { clock, logger });
  onTestFinished(() => audit.close());
  const limited = tool({ name: 'limited', rateLimit: { requestsPerMinute: 1, burstSize: 1 } });
  const app = await server(
    { audit, tools: [tool(), limited], auth: { bearerTokens: [TOKEN, TOKEN_2] } },
    { clock, logger },
  );
  return { app, audit, file, logger };
}

async function allRecords(file: string): Promise<Record<string, unknown>[]> {
  const texts = await Promise.all((await auditLogFiles(file)).map((f) => readFile(f, 'utf8')));
  return texts
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const countOf = (records: Record<string, unknown>[], reason: string): number =>
  records
    .filter((r) => r.kind === 'refused-calls' && r.reason === reason)
    .reduce((sum, r) => sum + Number(r.count), 0);

describe('refusals of authenticated callers are summed, not recorded (issue 18, goal 2)', () => {
  it('writes no record per refused 422 or 429, and summaries that sum to the calls', async () => {
    const clock = fakeClock();
    const { app, audit, file, logger } = await auditedServer(clock);
    const bad = { sku: PARAMETER_SENTINEL, quantity: 1000 };
    for (let i = 0; i < 100; i++) {
      expect((await invoke(app, bad)).statusCode).toBe(422);
    }
    expect((await invoke(app, { sku: 'A-1' }, 'limited')).statusCode).toBe(200);
    for (let i = 0; i < 100; i++) {
      expect((await invoke(app, { sku: PARAMETER_SENTINEL }, 'limited')).statusCode).toBe(429);
    }
    await audit.flush();
    // The one success has its record; not one refused call has.
    expect((await allRecords(file)).map((r) => [r.kind, r.tool])).toEqual([
      ['invocation', 'limited'],
    ]);

    await clock.advance(10_000);
    await audit.flush();
    const records = await allRecords(file);
    expect(records.filter((r) => r.kind === 'refused-calls')).toEqual([
      expect.objectContaining({
        reason: 'invalid-parameters',
        tool: 'check_inventory',
        caller: 'bearer:1',
        count: 100,
        remoteAddresses: ['127.0.0.1'],
      }),
      expect.objectContaining({
        reason: 'rate-limited',
        tool: 'limited',
        caller: 'bearer:1',
        count: 100,
      }),
    ]);
    // Nothing the caller sent, and no credential, is in the audit log or the summary lines.
    const text = (
      await Promise.all((await auditLogFiles(file)).map((f) => readFile(f, 'utf8')))
    ).join('');
    const logText = JSON.stringify(logger.lines);
    for (const planted of [PARAMETER_SENTINEL, TOKEN, TOKEN_2]) {
      expect(text).not.toContain(planted);
      expect(logText).not.toContain(planted);
    }
    expect(logger.lines.filter((l) => l.msg === 'calls refused').map((l) => l.level)).toEqual([
      'warn',
      'warn',
    ]);
    // A refused call logs no line of its own above debug.
    const refusedLines = logger.lines.filter(
      (l) => l.msg === 'invocation' && l.fields.outcome === 'error',
    );
    expect(refusedLines).toHaveLength(200);
    expect(refusedLines.every((l) => l.level === 'debug')).toBe(true);
    expect(await verifyAuditFiles(await auditLogFiles(file))).toMatchObject({ ok: true });
  });

  it('loses no refused call across rotation and close, and labels the credential used', async () => {
    const clock = fakeClock();
    const { app, audit, file } = await auditedServer(clock, {
      maxBytes: 1024,
      refusalIntervalMs: 1000,
    });
    const second = { ...authed, authorization: `Bearer ${TOKEN_2}` };
    let refused = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 17; i++) {
        const headers = i % 2 === 0 ? authed : second;
        expect((await invoke(app, { quantity: 0 }, 'check_inventory', headers)).statusCode).toBe(
          422,
        );
        refused += 1;
      }
      // Successful calls between the intervals fill the file, so that it rotates.
      for (let i = 0; i < 4; i++) expect((await invoke(app)).statusCode).toBe(200);
      if (round < 5) await clock.advance(1000);
    }
    await audit.close();
    const files = await auditLogFiles(file);
    expect(files.length).toBeGreaterThan(2);
    const records = await allRecords(file);
    expect(countOf(records, 'invalid-parameters')).toBe(refused);
    expect(records.filter((r) => r.kind === 'invocation')).toHaveLength(24);
    const callers = new Set(
      records.filter((r) => r.kind === 'refused-calls').map((r) => String(r.caller)),
    );
    expect(callers).toEqual(new Set(['bearer:1', 'bearer:2']));
    expect(await verifyAuditFiles(files)).toMatchObject({ ok: true, records: records.length });
  });

  it('sums refusals of an unknown tool without the name the caller sent', async () => {
    const clock = fakeClock();
    const { app, audit, file } = await auditedServer(clock);
    expect((await invoke(app, { sku: 'a' }, `no_such_${PARAMETER_SENTINEL}`)).statusCode).toBe(404);
    await audit.close();
    const records = await allRecords(file);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'refused-calls', reason: 'unknown-tool', count: 1 }),
    ]);
    expect(records[0]).not.toHaveProperty('tool');
    expect(JSON.stringify(records)).not.toContain(PARAMETER_SENTINEL);
  });
});
