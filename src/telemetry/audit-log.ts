/**
 * The audit writer (DESIGN "Telemetry and audit"): appends are queued and written in small batches,
 * each batch fsync'ed before the appends in it resolve (group commit), so every acknowledged
 * invocation survives `kill -9`. Files rotate by size; the chain runs on across files.
 */
import { mkdir, open, rename, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Clock, Logger } from '../deps.js';
import { silentLogger, systemClock } from '../deps.js';
import { AuditError } from '../errors.js';
import { nextAuditRecord } from './audit-record.js';
import type { AuditInput, AuditInvocationEntry, RegistryChange } from './audit-record.js';
import { parseOptions } from './options.js';
import { recoverChainHead, rotatedSiblings } from './audit-recovery.js';

/** Options of `createAuditLog`. */
export const AuditLogOptionsSchema = z.strictObject({
  /** The current audit file; rotated files are `FILE.1`, `FILE.2`, ... (oldest lowest). */
  file: z.string().min(1),
  sink: z.enum(['file', 'stdout']).default('file'),
  /** Rotate before a batch would take the file past this size. */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  /**
   * How long the first append of a batch waits for company before the batch is written. 0 (the
   * default): no timer; the batch is written at the next turn of the event loop, and appends that
   * arrive while it is being fsync'ed form the next batch, written as soon as that fsync completes.
   * Under load the fsync is the batching window; a timer only adds its wait to every call's latency
   * (bench/telemetry.ts).
   */
  flushIntervalMs: z.number().int().min(0).max(1000).default(0),
  /** A batch is written at once when it holds this many appends. */
  maxBatch: z.number().int().min(1).max(10_000).default(256),
});

/** Options of `createAuditLog` as callers write them. */
export type AuditLogOptions = z.input<typeof AuditLogOptionsSchema>;

/** Something lines can be written to (process.stdout satisfies it). */
export interface LineWriter {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

/** Effects of the audit log: the clock owns the batch timer. */
export interface AuditLogDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the stdout sink writes. */
  readonly stdout: LineWriter;
}

/** The durable audit log; `append` is an `AuditSink` of the server. */
export interface AuditLog {
  /** Resolves once the invocation's record is written and fsync'ed. @throws AuditError AUDIT_WRITE_FAILED */
  append(entry: AuditInvocationEntry): Promise<void>;
  /** Resolves once the registry change's record is durable. @throws AuditError AUDIT_WRITE_FAILED */
  appendChange(change: RegistryChange): Promise<void>;
  /** Resolves when every append made so far is written (or has failed). */
  flush(): Promise<void>;
  /** Flushes, then closes the file; later appends reject. */
  close(): Promise<void>;
}

interface Pending {
  readonly input: AuditInput;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Output {
  /** Writes one batch durably. */
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

function writeFailed(what: string, cause: unknown): AuditError {
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
  return new AuditError(
    'AUDIT_WRITE_FAILED',
    `audit ${what} failed${code === undefined ? '' : ` (${code})`}; the invocation was not acknowledged`,
    { cause },
  );
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function fileOutput(file: string, maxBytes: number, logger: Logger): Promise<Output> {
  let handle = await open(file, 'a');
  let size = (await handle.stat()).size;
  const rotate = async (): Promise<void> => {
    const siblings = await rotatedSiblings(file);
    const next = (siblings.at(-1)?.index ?? 0) + 1;
    // Rename while the old handle is still open: if the rename fails, that batch is refused and
    // the current file stays usable; the chain continues in the new file either way.
    await rename(file, `${file}.${next}`);
    const old = handle;
    handle = await open(file, 'a');
    size = 0;
    await old.close();
    await syncDirectory(dirname(file));
    logger.info({ auditFile: file, rotatedTo: `${file}.${next}` }, 'audit file rotated');
  };
  return {
    write: async (data) => {
      if (size > 0 && size + data.length > maxBytes) await rotate();
      try {
        await writeAll(handle, data);
        await handle.datasync();
        size += data.length;
      } catch (error) {
        // Keep the file a clean chain: cut a partly written batch off (best effort).
        await handle.truncate(size).catch(() => undefined);
        throw error;
      }
    },
    close: () => handle.close(),
  };
}

async function syncDirectory(dir: string): Promise<void> {
  // A rename is durable once the directory is synced; not every platform allows it (best effort).
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function stdoutOutput(out: LineWriter): Output {
  return {
    write: (data) =>
      new Promise((resolve, reject) => {
        out.write(data.toString('utf8'), (error) => {
          if (error === undefined || error === null) resolve();
          else reject(error);
        });
      }),
    close: () => Promise.resolve(),
  };
}

/**
 * Opens (or continues) the audit log: the chain resumes from the last record on disk, a torn
 * trailing line left by a crash is cut off.
 * @throws ConfigError CONFIG_INVALID on bad options.
 * @throws AuditError AUDIT_WRITE_FAILED when the directory or file cannot be opened.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the last record on disk is not a record.
 */
export async function createAuditLog(
  options: AuditLogOptions,
  deps: Partial<AuditLogDeps> = {},
): Promise<AuditLog> {
  const o = parseOptions(AuditLogOptionsSchema, options, 'createAuditLog');
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  let head: string | undefined;
  let output: Output;
  if (o.sink === 'file') {
    try {
      await mkdir(dirname(o.file), { recursive: true });
    } catch (error) {
      throw writeFailed(`directory for "${basename(o.file)}"`, error);
    }
    head = await recoverChainHead(o.file, logger);
    try {
      output = await fileOutput(o.file, o.maxBytes, logger);
    } catch (error) {
      throw writeFailed(`open of "${o.file}"`, error);
    }
  } else {
    output = stdoutOutput(deps.stdout ?? process.stdout);
  }

  const queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let timerArmed = false;
  let closed = false;

  const writeBatch = async (batch: readonly Pending[]): Promise<void> => {
    let hash = head;
    const lines: string[] = [];
    const written: Pending[] = [];
    for (const p of batch) {
      try {
        const record = nextAuditRecord(hash === undefined ? undefined : { hash }, p.input);
        lines.push(`${JSON.stringify(record)}\n`);
        written.push(p);
        hash = record.hash;
      } catch (error) {
        p.reject(error);
      }
    }
    if (written.length === 0) return;
    try {
      await output.write(Buffer.from(lines.join(''), 'utf8'));
    } catch (error) {
      const failure = writeFailed('write', error);
      logger.error({ err: failure, records: written.length }, 'audit write failed');
      for (const p of written) p.reject(failure);
      return;
    }
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

  const flush = async (): Promise<void> => {
    while (queue.length > 0 || flushing !== undefined) {
      kick();
      await flushing;
    }
  };

  return {
    append: (entry) => enqueue({ kind: 'invocation', entry }),
    appendChange: (change) => enqueue({ kind: 'registry-change', change }),
    flush,
    close: async () => {
      closed = true;
      await flush();
      await output.close();
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
