/**
 * The audit log's records reach `/metrics`: records written, records that failed (the sink's
 * write failed, or a record over maxRecordBytes), and the sink's health (issue 16 item 4).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { fakeClock } from '../support/fake-clock.js';
import { parsePrometheusText, valueOf } from './prometheus-text.js';

function entry(n: number, correlationId = `corr-${n}`): AuditInvocationEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    invocationId: `inv-${n}`,
    tool: 'check_inventory',
    correlationId,
    parameters: { sku: `SKU-${n}` },
    outcome: 'success',
    durationMs: n,
  };
}

describe('audit metrics', () => {
  it('counts written and failed records and reports the failing sink', async () => {
    const telemetry = await createTelemetry({
      toolNames: ['check_inventory'],
      metricsPort: false,
      runtimeMetrics: false,
    });
    onTestFinished(() => telemetry.shutdown());
    let failNext = true;
    const log = await createAuditLog(
      { file: 'unused.jsonl', sink: 'stdout', maxBatch: 1, maxRecordBytes: 2_000 },
      {
        clock: fakeClock(),
        onEvent: telemetry.onAuditEvent,
        stdout: {
          write: (_chunk, callback) => {
            if (failNext) {
              failNext = false;
              callback(new Error('EIO'));
              return false;
            }
            callback();
            return true;
          },
        },
      },
    );
    await expect(log.append(entry(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    let m = parsePrometheusText(await telemetry.collectPrometheusText());
    expect(valueOf(m, 'genesys_tools_audit_sink_healthy')).toBe(0);
    expect(valueOf(m, 'genesys_tools_audit_records_failed_total')).toBe(1);

    await log.append(entry(2));
    await log.append(entry(3));
    // Parameters are stored as a hash; an id the caller sent can make a record too large.
    await expect(log.append(entry(4, 'c'.repeat(5_000)))).rejects.toMatchObject({
      code: 'AUDIT_RECORD_TOO_LARGE',
    });
    await log.close();
    m = parsePrometheusText(await telemetry.collectPrometheusText());
    expect(valueOf(m, 'genesys_tools_audit_records_written_total')).toBe(2);
    expect(valueOf(m, 'genesys_tools_audit_records_failed_total')).toBe(2);
  });
});
