/**
 * The audit records as OpenTelemetry log records over OTLP/HTTP (issue 16, item 3): a copy for a
 * collector or SIEM, sent in the background after each batch is written. The file stays the
 * source of truth: an export that fails loses nothing the file holds and fails no call. The body
 * of each log record is the record's line exactly as on disk (canonical JSON), so a receiver can
 * check its hash the way `audit verify` does.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { AuditRecord } from './audit-record.js';

/** A record as written: the object and its line as on disk (with its newline). */
export interface WrittenRecord {
  readonly record: AuditRecord;
  readonly line: string;
}

/** Where and as whom the audit records are exported. */
export interface AuditExportOptions {
  /** The OTLP/HTTP logs URL, used as is (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT). */
  readonly url: string;
  readonly serviceName: string;
  /** `service.instance.id` of the resource: the replica whose file holds these records. */
  readonly instanceId: string;
}

/** Sends written records; `shutdown` exports what is pending and stops. */
export interface AuditExporter {
  readonly onRecords: (records: readonly WrittenRecord[]) => void;
  shutdown(): Promise<void>;
}

/** Name of the log records' instrumentation scope and the prefix of their attributes. */
const SCOPE = 'genesys_tools.audit';

function recordTimeMs(record: AuditRecord): number {
  const time = record.kind === 'refused-calls' ? record.lastTime : record.time;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? Date.now() : ms;
}

/** Builds the exporter: a batch processor in front of the OTLP/HTTP (JSON) log exporter. */
export function createAuditExporter(options: AuditExportOptions): AuditExporter {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.instance.id': options.instanceId,
    }),
    processors: [
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: options.url }) }),
    ],
  });
  const logger = provider.getLogger(SCOPE);
  return {
    onRecords: (records) => {
      for (const { record, line } of records) {
        logger.emit({
          eventName: `${SCOPE}.${record.kind}`,
          timestamp: recordTimeMs(record),
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          body: line.endsWith('\n') ? line.slice(0, -1) : line,
          attributes: {
            [`${SCOPE}.kind`]: record.kind,
            [`${SCOPE}.hash`]: record.hash,
            [`${SCOPE}.prev`]: record.prev,
            ...('tool' in record ? { [`${SCOPE}.tool`]: record.tool } : {}),
            ...('outcome' in record ? { [`${SCOPE}.outcome`]: record.outcome } : {}),
          },
          // Not the context of whichever call's turn wrote the batch: a record is no span's child.
          context: ROOT_CONTEXT,
        });
      }
    },
    shutdown: () => provider.shutdown(),
  };
}
