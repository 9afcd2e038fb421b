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
export { verifyAuditFiles } from './verify-audit.js';
export type { AuditBreak, AuditVerification } from './verify-audit.js';
