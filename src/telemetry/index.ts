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
  RegistryChange,
  RegistryChangeAuditRecord,
} from './audit-record.js';
export { createAuditLog, auditLogFiles } from './audit-log.js';
export type { AuditLog, AuditLogDeps, AuditLogOptions, LineWriter } from './audit-log.js';
export { orderAuditFiles, verifyAuditFiles } from './verify-audit.js';
export type { AuditBreak, AuditVerification } from './verify-audit.js';
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
export { DURATION_BUCKETS_S } from './metrics.js';
export { createLogger } from './logger.js';
export type { LoggerOptions } from './logger.js';
