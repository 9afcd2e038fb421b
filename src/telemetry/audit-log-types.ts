/** The audit log's public types: what it reports, what it needs, what it offers. */
import type { Clock, Logger } from '../deps.js';
import type { LineWriter } from './audit-file.js';
import type { WrittenRecord } from './audit-export.js';
import type { AuditInvocationEntry, RegistryChange } from './audit-record.js';
import type { Refusal } from './refusal-tally.js';

/** What the audit log reports to metrics (telemetry's `onAuditEvent`). Never an id. */
export type AuditEvent =
  | { readonly type: 'head'; readonly hash: string; readonly trigger: 'rotation' | 'shutdown' }
  | { readonly type: 'file-dropped'; readonly bytes: number }
  | { readonly type: 'sink'; readonly healthy: boolean }
  /** Records that reached the sink, per batch. */
  | { readonly type: 'written'; readonly records: number }
  /** Records that were not written (sink failure, over maxRecordBytes); their appends rejected. */
  | { readonly type: 'failed'; readonly records: number };

/** Effects of the audit log: the clock owns the batch, refusal, probe and fsync timers. */
export interface AuditLogDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the stdout sink writes. */
  readonly stdout: LineWriter;
  readonly onEvent: (event: AuditEvent) => void;
  /** Told of each batch of records once it is written (the OTLP export); must not throw. */
  readonly onRecords: (records: readonly WrittenRecord[]) => void;
}

/** The durable audit log; it is an `AuditSink` of the server. */
export interface AuditLog {
  /** Resolves once the invocation's record is written (and fsync'ed unless durability is `write`). @throws AuditError AUDIT_WRITE_FAILED */
  append(entry: AuditInvocationEntry): Promise<void>;
  /** Resolves once the registry change's record is durable. @throws AuditError AUDIT_WRITE_FAILED */
  appendChange(change: RegistryChange): Promise<void>;
  /**
   * Counts a call refused before its handler ran (unauthenticated, bad parameters, rate limit,
   * ...); written as one `refused-calls` record per reason, tool and caller at the interval's end
   * and at close. No fsync'ed record of its own.
   */
  refused(refusal: Refusal): void;
  /** False from a failed write until a probe write succeeds (readiness follows it). */
  healthy(): boolean;
  /** The hash of the last record on disk (the chain head), undefined before the first. */
  head(): string | undefined;
  /** Resolves when every append made so far is written (or has failed). */
  flush(): Promise<void>;
  /** Writes the pending refusal counts, flushes, logs the head, closes the file and its lock. */
  close(): Promise<void>;
}
