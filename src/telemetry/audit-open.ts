/**
 * Opening the audit log's sink: for a file, its directory, lock, the chain head on disk, the HMAC
 * key and the rotating output (reporting rotations and retention drops); otherwise stdout.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AuditError } from '../errors.js';
import { fileOutput, prepareDirectory, stdoutOutput, writeFailed } from './audit-file.js';
import type { AuditFileEvent, Output } from './audit-file.js';
import { loadOrCreateAuditKey } from './audit-key.js';
import { acquireAuditLock } from './audit-lock.js';
import type { AuditLock } from './audit-lock.js';
import type { AuditLogOptionsSchema } from './audit-log-options.js';
import type { AuditLogDeps } from './audit-log-types.js';
import { recoverChainHead } from './audit-recovery.js';

/** The opened sink of an audit log. */
export interface OpenedAuditSink {
  readonly output: Output;
  readonly lock: AuditLock | undefined;
  readonly hmacKey: string;
  /** The chain head recovered from disk; undefined for a new file or the stdout sink. */
  readonly head: string | undefined;
}

/**
 * Opens the sink `createAuditLog` writes to; `currentHead` reads the log's chain head when a
 * rotation is reported.
 */
export async function openAuditSink(
  o: z.output<typeof AuditLogOptionsSchema>,
  deps: Pick<AuditLogDeps, 'clock' | 'logger' | 'onEvent'> & {
    readonly stdout: AuditLogDeps['stdout'] | undefined;
  },
  currentHead: () => string | undefined,
): Promise<OpenedAuditSink> {
  const { clock, logger, onEvent } = deps;
  let recovered: string | undefined;
  let output: Output;
  let lock: AuditLock | undefined;
  let key = o.hmacKey;
  let opened = false;

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
    // Until this returns, the head is the one recovered here; then the log's own.
    const head = opened ? currentHead() : recovered;
    if (head !== undefined) {
      logger.info({ auditFile: o.file, hash: head, trigger: 'rotation' }, 'audit chain head');
      onEvent({ type: 'head', hash: head, trigger: 'rotation' });
    }
  };

  if (o.sink === 'file') {
    await prepareDirectory(o.file, logger);
    lock = await acquireAuditLock(o.file, clock.nowMs());
    try {
      recovered = await recoverChainHead(o.file, logger);
      key ??= await loadOrCreateAuditKey(o.file, logger);
      const { file, maxBytes, maxFiles, maxTotalBytes, durability } = o;
      output = await fileOutput(
        { file, maxBytes, maxFiles, maxTotalBytes, durability },
        logger,
        onFileEvent,
      );
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
  opened = true;
  return { output, lock, hmacKey, head: recovered };
}
