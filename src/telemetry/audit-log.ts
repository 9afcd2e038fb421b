/**
 * The audit writer (DESIGN "Telemetry and audit"): appends are queued and written in small batches,
 * each batch fsync'ed before the appends in it resolve (group commit), so every acknowledged
 * invocation survives `kill -9` and power loss. With `durability: 'write'` a batch resolves once
 * written to the OS (which keeps it through `kill -9`), and the file is fsync'ed in the background
 * at most `fsyncIntervalMs` later (issue 18). Files rotate by size and are pruned to a retention bound; the
 * chain runs on across files. One writer per file (a lock file). Refused calls are counted per
 * interval (per reason, tool and caller), not written one by one; a failing sink is reported until a probe write succeeds.
 */
import { silentLogger, systemClock } from '../deps.js';
import { AuditError } from '../errors.js';
import { systemCode, writeFailed } from './audit-file.js';
import { LEASE_MS } from './audit-lock.js';
import type { AuditLock } from './audit-lock.js';
import { AuditLogOptionsSchema } from './audit-log-options.js';
import type { AuditLogOptions } from './audit-log-options.js';
import { sealAuditLine } from './audit-line.js';
import type { WrittenRecord } from './audit-export.js';
import type { AuditInput } from './audit-record.js';
import type { AuditLog, AuditLogDeps } from './audit-log-types.js';
import { createBackgroundSync } from './audit-background-sync.js';
import { openAuditSink } from './audit-open.js';
import { parseOptions } from './options.js';
import { createRefusalTally } from './refusal-tally.js';

export { AuditLogOptionsSchema } from './audit-log-options.js';
export type { LineWriter } from './audit-file.js';
export type { AuditLogOptions } from './audit-log-options.js';
export type { AuditEvent, AuditLog, AuditLogDeps } from './audit-log-types.js';
export { auditLogFiles } from './audit-dir.js';

interface Pending {
  readonly input: AuditInput;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Opens (or continues) the audit log: takes the file's lock, resumes the chain from the last
 * record on disk, cuts a torn trailing line left by a crash.
 * @throws ConfigError CONFIG_INVALID on bad options.
 * @throws AuditError AUDIT_FILE_LOCKED when another writer holds the file.
 * @throws AuditError AUDIT_FILE_UNSAFE when the path is a symbolic link or not a regular file.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the file on disk is not an audit log.
 * @throws AuditError AUDIT_WRITE_FAILED when the directory or file cannot be opened.
 */
export async function createAuditLog(
  options: AuditLogOptions,
  deps: Partial<AuditLogDeps> = {},
): Promise<AuditLog> {
  const o = parseOptions(AuditLogOptionsSchema, options, 'createAuditLog');
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const onEvent = deps.onEvent ?? (() => undefined);
  let head: string | undefined;

  const opened = await openAuditSink(
    o,
    { clock, logger, onEvent, stdout: deps.stdout },
    () => head,
  );
  head = opened.head;
  const { output, lock, hmacKey } = opened;

  const queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let timerArmed = false;
  let closed = false;
  const stopTimers = new AbortController();
  const tally = createRefusalTally();
  let tallyArmed = false;
  let outage: { sinceMs: number; failedRecords: number } | undefined;

  const onRecords = deps.onRecords;
  const sinkFailed = (records: number): void => {
    if (outage !== undefined) {
      outage.failedRecords += records;
      return;
    }
    outage = { sinceMs: clock.nowMs(), failedRecords: records };
    onEvent({ type: 'sink', healthy: false });
    armProbe();
  };

  const writeBatch = async (batch: readonly Pending[]): Promise<void> => {
    let hash = head;
    const lines: string[] = [];
    const written: Pending[] = [];
    const records: WrittenRecord[] = [];
    for (const p of batch) {
      try {
        const next = sealAuditLine(p.input, hash, hmacKey, o.maxRecordBytes);
        lines.push(next.line);
        written.push(p);
        if (onRecords !== undefined) records.push(next);
        hash = next.record.hash;
      } catch (error) {
        p.reject(error);
      }
    }
    if (written.length < batch.length)
      onEvent({ type: 'failed', records: batch.length - written.length });
    if (written.length === 0) return;
    try {
      await output.write(Buffer.from(lines.join(''), 'utf8'));
    } catch (error) {
      const failure = writeFailed('write', error);
      logger.error({ err: failure, records: written.length }, 'audit write failed');
      sinkFailed(written.length);
      onEvent({ type: 'failed', records: written.length });
      for (const p of written) p.reject(failure);
      return;
    }
    onEvent({ type: 'written', records: written.length });
    // The chain advances only over records that reached the disk.
    head = hash;
    if (o.durability === 'write') background.written(written.length);
    for (const p of written) p.resolve();
    onRecords?.(records);
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) await writeBatch(queue.splice(0, o.maxBatch));
  };

  const kick = (): void => {
    flushing ??= drain().finally(() => {
      flushing = undefined;
    });
  };

  const arm = (): void => {
    if (timerArmed) return;
    timerArmed = true;
    const fire = (): void => {
      timerArmed = false;
      kick();
    };
    // 0: no timer, only the appends of the current turn of the event loop join the batch (plus
    // those arriving while the previous batch is being fsync'ed).
    if (o.flushIntervalMs === 0) setImmediate(fire);
    else void clock.sleep(o.flushIntervalMs).then(fire);
  };

  const instance = o.instanceId === undefined ? {} : { instance: o.instanceId };
  const enqueue = (input: AuditInput): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (closed) {
        reject(
          new AuditError('AUDIT_WRITE_FAILED', 'audit log is closed; the record was not written'),
        );
        return;
      }
      queue.push({ input, resolve, reject });
      if (queue.length >= o.maxBatch) kick();
      else arm();
    });

  const afterTimer = (ms: number, then: () => void): void => {
    clock.sleep(ms, stopTimers.signal).then(then, () => undefined);
  };

  function armProbe(): void {
    afterTimer(o.probeIntervalMs, () => {
      const current = outage;
      if (current === undefined || closed) return;
      const recovered = {
        time: new Date(clock.nowMs()).toISOString(),
        failingSince: new Date(current.sinceMs).toISOString(),
        failedRecords: current.failedRecords,
      };
      enqueue({ kind: 'sink-recovered', recovered, ...instance }).then(
        () => {
          outage = undefined;
          logger.info({ auditFile: o.file, ...recovered }, 'audit sink recovered');
          onEvent({ type: 'sink', healthy: true });
        },
        () => {
          armProbe();
        },
      );
    });
  }

  const background = createBackgroundSync({
    intervalMs: o.fsyncIntervalMs,
    sync: () => output.sync(),
    after: afterTimer,
    onFailure: (error, records) => {
      const failure = new AuditError(
        'AUDIT_WRITE_FAILED',
        `audit background fsync failed${systemCode(error)}; ${records} records acknowledged since the last fsync may be lost on power loss`,
        { cause: error },
      );
      logger.error({ err: failure, records }, 'audit background fsync failed');
      sinkFailed(records);
    },
  });

  const renewLease = (held: AuditLock): void => {
    afterTimer(LEASE_MS / 3, () => {
      void held.renew(clock.nowMs()).then(() => {
        if (!closed) renewLease(held);
      });
    });
  };
  if (lock !== undefined) renewLease(lock);

  const writeRefusals = (): void => {
    tallyArmed = false;
    for (const refused of tally.drain()) {
      const message =
        refused.caller === undefined ? 'calls refused before authentication' : 'calls refused';
      logger.warn({ auditFile: o.file, ...refused }, message);
      // Nobody waits on these records; a failed write is already logged and marks the sink.
      enqueue({ kind: 'refused-calls', refused, ...instance }).catch(() => undefined);
    }
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0 || flushing !== undefined) {
      kick();
      await flushing;
    }
  };

  return {
    append: (entry) => enqueue({ kind: 'invocation', entry, ...instance }),
    appendChange: (change) => enqueue({ kind: 'registry-change', change, ...instance }),
    refused: (refusal) => {
      if (closed) return;
      tally.add(refusal);
      if (tallyArmed) return;
      tallyArmed = true;
      afterTimer(o.refusalIntervalMs, writeRefusals);
    },
    healthy: () => outage === undefined,
    head: () => head,
    flush,
    close: async () => {
      if (closed) return;
      writeRefusals();
      closed = true;
      stopTimers.abort();
      await flush();
      if (head !== undefined) {
        logger.info({ auditFile: o.file, hash: head, trigger: 'shutdown' }, 'audit chain head');
        onEvent({ type: 'head', hash: head, trigger: 'shutdown' });
      }
      await output.close();
      await lock?.release();
    },
  };
}
