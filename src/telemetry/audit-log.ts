/**
 * The audit writer (DESIGN "Telemetry and audit"): appends are queued and written in small batches,
 * each batch fsync'ed before the appends in it resolve (group commit), so every acknowledged
 * invocation survives `kill -9`. Files rotate by size and are pruned to a retention bound; the
 * chain runs on across files. One writer per file (a lock file). Refused calls are counted per
 * interval, not written one by one; a failing sink is reported until a probe write succeeds.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock, Logger } from '../deps.js';
import { silentLogger, systemClock } from '../deps.js';
import { AuditError } from '../errors.js';
import { fileOutput, prepareDirectory, stdoutOutput, tooLarge, writeFailed } from './audit-file.js';
import type { AuditFileEvent, LineWriter, Output } from './audit-file.js';
import { loadOrCreateAuditKey } from './audit-key.js';
import { LEASE_MS, acquireAuditLock } from './audit-lock.js';
import type { AuditLock } from './audit-lock.js';
import { AuditLogOptionsSchema } from './audit-log-options.js';
import type { AuditLogOptions } from './audit-log-options.js';
import { auditLine, nextAuditRecord } from './audit-record.js';
import type { AuditInput, AuditInvocationEntry, RegistryChange } from './audit-record.js';
import { recoverChainHead, rotatedSiblings } from './audit-recovery.js';
import { parseOptions } from './options.js';
import { createRefusalTally } from './refusal-tally.js';
import type { Refusal } from './refusal-tally.js';

export { AuditLogOptionsSchema } from './audit-log-options.js';
export type { LineWriter } from './audit-file.js';
export type { AuditLogOptions } from './audit-log-options.js';

/** What the audit log reports to metrics (telemetry's `onAuditEvent`). Never an id. */
export type AuditEvent =
  | { readonly type: 'head'; readonly hash: string; readonly trigger: 'rotation' | 'shutdown' }
  | { readonly type: 'file-dropped'; readonly bytes: number }
  | { readonly type: 'sink'; readonly healthy: boolean }
  /** Records that reached the sink, per batch. */
  | { readonly type: 'written'; readonly records: number }
  /** Records that were not written (sink failure, over maxRecordBytes); their appends rejected. */
  | { readonly type: 'failed'; readonly records: number };

/** Effects of the audit log: the clock owns the batch, refusal and probe timers. */
export interface AuditLogDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the stdout sink writes. */
  readonly stdout: LineWriter;
  readonly onEvent: (event: AuditEvent) => void;
}

/** The durable audit log; it is an `AuditSink` of the server. */
export interface AuditLog {
  /** Resolves once the invocation's record is written and fsync'ed. @throws AuditError AUDIT_WRITE_FAILED */
  append(entry: AuditInvocationEntry): Promise<void>;
  /** Resolves once the registry change's record is durable. @throws AuditError AUDIT_WRITE_FAILED */
  appendChange(change: RegistryChange): Promise<void>;
  /** Counts a call refused before authentication; written as one record per reason and interval. */
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
  let output: Output;
  let lock: AuditLock | undefined;
  let key = o.hmacKey;

  const onFileEvent = (e: AuditFileEvent): void => {
    if (e.type === 'file-dropped') {
      logger.warn(
        { auditFile: o.file, dropped: e.file, bytes: e.bytes },
        'audit file dropped by retention',
      );
      onEvent({ type: 'file-dropped', bytes: e.bytes });
      return;
    }
    logger.info({ auditFile: o.file, rotatedTo: e.rotatedTo }, 'audit file rotated');
    if (head !== undefined) {
      logger.info({ auditFile: o.file, hash: head, trigger: 'rotation' }, 'audit chain head');
      onEvent({ type: 'head', hash: head, trigger: 'rotation' });
    }
  };

  if (o.sink === 'file') {
    await prepareDirectory(o.file, logger);
    lock = await acquireAuditLock(o.file, clock.nowMs());
    try {
      head = await recoverChainHead(o.file, logger);
      key ??= await loadOrCreateAuditKey(o.file, logger);
      const { file, maxBytes, maxFiles, maxTotalBytes } = o;
      output = await fileOutput({ file, maxBytes, maxFiles, maxTotalBytes }, logger, onFileEvent);
    } catch (error) {
      await lock.release();
      if (error instanceof AuditError) throw error;
      throw writeFailed(`open of "${o.file}"`, error);
    }
  } else {
    output = stdoutOutput(deps.stdout ?? process.stdout);
    if (key === undefined) {
      logger.warn({}, 'no audit HMAC key given for the stdout sink; using a key for this run only');
    }
  }
  const hmacKey = key ?? randomBytes(32).toString('hex');

  const queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let timerArmed = false;
  let closed = false;
  const stopTimers = new AbortController();
  const tally = createRefusalTally();
  let tallyArmed = false;
  let outage: { sinceMs: number; failedRecords: number } | undefined;

  const serialise = (p: Pending, previous: string | undefined): { line: string; hash: string } => {
    const record = nextAuditRecord(
      previous === undefined ? undefined : { hash: previous },
      p.input,
      hmacKey,
    );
    const line = `${auditLine(record)}\n`;
    // length ≤ bytes ≤ 3 × length: the exact count only when the cheap bounds do not decide.
    if (line.length > o.maxRecordBytes) throw tooLarge(Buffer.byteLength(line), o.maxRecordBytes);
    if (line.length * 3 > o.maxRecordBytes && Buffer.byteLength(line) > o.maxRecordBytes) {
      throw tooLarge(Buffer.byteLength(line), o.maxRecordBytes);
    }
    return { line, hash: record.hash };
  };

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
    for (const p of batch) {
      try {
        const next = serialise(p, hash);
        lines.push(next.line);
        written.push(p);
        hash = next.hash;
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
    for (const p of written) p.resolve();
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
      enqueue({ kind: 'sink-recovered', recovered }).then(
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
      logger.warn({ auditFile: o.file, ...refused }, 'calls refused before authentication');
      // Nobody waits on these records; a failed write is already logged and marks the sink.
      enqueue({ kind: 'refused-calls', refused }).catch(() => undefined);
    }
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0 || flushing !== undefined) {
      kick();
      await flushing;
    }
  };

  return {
    append: (entry) => enqueue({ kind: 'invocation', entry }),
    appendChange: (change) => enqueue({ kind: 'registry-change', change }),
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

/** The files of a rotated audit log, oldest first, ending with the current file: for `verify`. */
export async function auditLogFiles(file: string): Promise<string[]> {
  const siblings = await rotatedSiblings(file);
  const current = await stat(file).then(
    () => [file],
    () => [],
  );
  return [...siblings.map((s) => join(dirname(file), s.name)), ...current];
}
