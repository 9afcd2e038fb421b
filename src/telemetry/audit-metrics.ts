/**
 * The audit log's instruments: records written and failed, files dropped by retention, whether the
 * sink writes, and a prefix of the chain head. No label carries an id.
 */
import type { Meter } from '@opentelemetry/api';
import type { AuditEvent } from './audit-log.js';

/**
 * The first 52 bits of a hex hash as a number (exact in a double): a gauge cannot carry the hash
 * itself, and a label with it would make one series per record (labels stay bounded). With the
 * full hash in the log line, it lets a scraper anchor the chain head. Pure.
 */
export function hashPrefixValue(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

/** Builds the audit instruments on `meter`; returns the event listener that feeds them. */
export function createAuditInstruments(meter: Meter): (event: AuditEvent) => void {
  const written = meter.createCounter('genesys_tools.audit.records_written', {
    description: 'Audit records that reached the sink (invocations, refusals, registry changes).',
  });
  const failed = meter.createCounter('genesys_tools.audit.records_failed', {
    description:
      'Audit records that were not written (the sink failed, or the record was over maxRecordBytes); each one failed its call.',
  });
  const filesDropped = meter.createCounter('genesys_tools.audit.files_dropped', {
    description: 'Audit files deleted by the retention bound (maxFiles, maxTotalBytes).',
  });
  const state = { healthy: 1, headPrefix: undefined as number | undefined };
  meter
    .createObservableGauge('genesys_tools.audit.sink_healthy', {
      description: 'Whether the audit sink writes (1) or has failed until a probe succeeds (0).',
    })
    .addCallback((result) => {
      result.observe(state.healthy);
    });
  meter
    .createObservableGauge('genesys_tools.audit.head_hash_prefix', {
      description:
        'First 52 bits of the audit chain head hash, set at rotation and shutdown (the full hash is logged as "audit chain head").',
    })
    .addCallback((result) => {
      if (state.headPrefix !== undefined) result.observe(state.headPrefix);
    });

  return (event) => {
    switch (event.type) {
      case 'written':
        written.add(event.records);
        return;
      case 'failed':
        failed.add(event.records);
        return;
      case 'file-dropped':
        filesDropped.add(1);
        return;
      case 'sink':
        state.healthy = event.healthy ? 1 : 0;
        return;
      case 'head':
        state.headPrefix = hashPrefixValue(event.hash);
        return;
    }
  };
}
