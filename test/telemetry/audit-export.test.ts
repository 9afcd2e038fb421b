import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditExporter } from '../../src/telemetry/audit-export.js';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { checkAuditLine } from '../../src/telemetry/verify-audit.js';
import { receivedLogRecords, startOtlpReceiver } from '../support/otlp-receiver.js';
import { tempDir } from '../support/temp-dir.js';

function entry(n: number): AuditInvocationEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    invocationId: `inv-${n}`,
    tool: 'check_inventory',
    parameters: { sku: `SKU-${n}` },
    outcome: 'success',
    durationMs: n,
  };
}

describe('the OTLP export of audit records', () => {
  it('sends each written record as a log record whose body is its line on disk', async () => {
    const receiver = await startOtlpReceiver();
    const exporter = createAuditExporter({
      url: receiver.url,
      serviceName: 'genesys-tools',
      instanceId: 'replica-a',
    });
    const file = join(tempDir(), 'audit.replica-a.jsonl');
    const log = await createAuditLog(
      { file, instanceId: 'replica-a' },
      { onRecords: exporter.onRecords },
    );
    await Promise.all([1, 2, 3].map((n) => log.append(entry(n))));
    await log.close();
    await exporter.shutdown();

    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests[0]?.contentType).toBe('application/json');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const logRecords = receivedLogRecords(receiver.requests);
    expect(logRecords.map((r) => r.body?.stringValue)).toEqual(lines);
    expect(logRecords[0]?.eventName).toBe('genesys_tools.audit.invocation');
    // A receiver can check each exported record the way audit verify does.
    let prev: string | undefined;
    for (const r of logRecords) {
      const check = checkAuditLine(r.body?.stringValue ?? '', prev);
      expect(check.ok).toBe(true);
      if (check.ok) prev = check.hash;
    }
    const resource = receiver.requests[0]?.resourceLogs[0]?.resource?.attributes ?? [];
    expect(resource).toContainEqual({
      key: 'service.instance.id',
      value: { stringValue: 'replica-a' },
    });
  });

  it('exports nothing of a record whose write failed: the file is the source of truth', async () => {
    const receiver = await startOtlpReceiver();
    const exporter = createAuditExporter({
      url: receiver.url,
      serviceName: 'genesys-tools',
      instanceId: 'replica-a',
    });
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog(
      { file, maxRecordBytes: 1024 },
      { onRecords: exporter.onRecords },
    );
    await log.append(entry(1));
    const huge = { ...entry(2), invocationId: 'x'.repeat(2000) };
    await expect(log.append(huge)).rejects.toMatchObject({ code: 'AUDIT_RECORD_TOO_LARGE' });
    await log.close();
    await exporter.shutdown();
    const bodies = receivedLogRecords(receiver.requests).map((r) => r.body?.stringValue ?? '');
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('inv-1');
  });
});
