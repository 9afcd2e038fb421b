/**
 * The telemetry room's public surface: metrics, traces, the redacting logger and the audit log.
 * It imports nothing of ours but the leaves; other rooms emit events and telemetry subscribes.
 */
export { canonicalJson } from './canonical-json.js';
export { GENESIS_HASH, nextAuditRecord } from './audit-record.js';
export type {
  AuditInput,
  AuditInvocationEntry,
  AuditRecord,
  InvocationAuditRecord,
  RefusedCalls,
  RefusedCallsAuditRecord,
  RegistryChange,
  RegistryChangeAuditRecord,
  SinkRecovered,
  SinkRecoveredAuditRecord,
} from './audit-record.js';
export { createAuditLog, auditLogFiles } from './audit-log.js';
export { auditChainsIn } from './audit-dir.js';
export { createAuditExporter } from './audit-export.js';
export type { AuditExporter, AuditExportOptions, WrittenRecord } from './audit-export.js';
export type {
  AuditEvent,
  AuditLog,
  AuditLogDeps,
  AuditLogOptions,
  LineWriter,
} from './audit-log.js';
export type { Refusal } from './refusal-tally.js';
export { readChainHead } from './audit-recovery.js';
export { orderAuditFiles, verifyAuditFiles } from './verify-audit.js';
export type { AuditBreak, AuditVerification, VerifyOptions } from './verify-audit.js';
export { createTelemetry } from './create-telemetry.js';
export type {
  ObservedInvocation,
  ObservedResult,
  Telemetry,
  TelemetryDeps,
  TelemetryObserver,
  TelemetryOptions,
} from './create-telemetry.js';
export type { ClientEvent } from './metrics.js';
export { DURATION_BUCKETS_S } from './metric-buckets.js';
export type { SharedStateEvent } from './shared-state-metrics.js';
export { createLogger } from './logger.js';
export type { LoggerOptions } from './logger.js';
