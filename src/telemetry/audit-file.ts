/**
 * The audit file as the writer sees it: opened 0600 without following symbolic links, written in
 * fsync'ed batches, rotated by size, and pruned to a retention bound (files and bytes) so that the
 * audit cannot fill the disk (issue 14, items 1 and 7).
 */
import { constants, writeSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../deps.js';
import { AuditError } from '../errors.js';
import { rotatedSiblings } from './audit-recovery.js';

/** Something that takes batches of lines. */
export interface Output {
  /** Writes one batch: durably with `durability: 'fsync'`, to the OS with `'write'`. */
  write(data: Buffer): Promise<void>;
  /** Makes every batch written so far durable (fsync); a no-op when each write already is. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** What happens to the audit files, for the log and the metrics. */
export type AuditFileEvent =
  | { readonly type: 'rotated'; readonly rotatedTo: string }
  | { readonly type: 'file-dropped'; readonly file: string; readonly bytes: number };

/** How the file is rotated and pruned. */
export interface FileOutputOptions {
  readonly file: string;
  readonly maxBytes: number;
  /** Most files kept, the current one included; 0: no limit. */
  readonly maxFiles: number;
  /** Most bytes kept over all files; 0: no limit. */
  readonly maxTotalBytes: number;
  /** `fsync`: each write is fsync'ed before it resolves; `write`: only `sync()` fsyncs. */
  readonly durability: 'fsync' | 'write';
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

function writeAllSync(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** O_DSYNC where the platform has it (not on Windows: there each write is followed by a fsync). */
const O_DSYNC: number | undefined = (constants as Partial<typeof constants>).O_DSYNC;

/**
 * Opens `file` for appending: created 0600, never through a symbolic link, made 0600 if wider.
 * With `dataSync`, each write returns once its data is on disk (O_DSYNC: a write and an fdatasync
 * in one system call, so one trip through libuv's thread pool per batch instead of two).
 */
async function openForAppend(file: string, dataSync: boolean): Promise<FileHandle> {
  const handle = await open(
    file,
    constants.O_WRONLY |
      constants.O_APPEND |
      constants.O_CREAT |
      constants.O_NOFOLLOW |
      (dataSync ? (O_DSYNC ?? 0) : 0),
    0o600,
  );
  const { mode } = await handle.stat();
  if ((mode & 0o077) !== 0) await handle.chmod(0o600);
  return handle;
}

async function syncDirectory(dir: string): Promise<void> {
  // A rename is durable once the directory is synced; not every platform allows it (best effort).
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/**
 * Drops the oldest rotated files until the count and the total size are within the bounds; the
 * current file is never dropped.
 */
async function prune(
  o: FileOutputOptions,
  currentBytes: number,
  onEvent: (e: AuditFileEvent) => void,
): Promise<void> {
  if (o.maxFiles === 0 && o.maxTotalBytes === 0) return;
  const dir = dirname(o.file);
  const rotated = await Promise.all(
    (await rotatedSiblings(o.file)).map(async (s) => ({
      path: join(dir, s.name),
      bytes: (await stat(join(dir, s.name)).catch(() => ({ size: 0 }))).size,
    })),
  );
  let files = rotated.length + 1;
  let bytes = rotated.reduce((sum, f) => sum + f.bytes, currentBytes);
  for (const oldest of rotated) {
    const tooMany = o.maxFiles > 0 && files > o.maxFiles;
    const tooBig = o.maxTotalBytes > 0 && bytes > o.maxTotalBytes;
    if (!tooMany && !tooBig) return;
    await unlink(oldest.path);
    files -= 1;
    bytes -= oldest.bytes;
    onEvent({ type: 'file-dropped', file: oldest.path, bytes: oldest.bytes });
  }
}

/** The durable file output with rotation and retention. */
export async function fileOutput(
  o: FileOutputOptions,
  logger: Logger,
  onEvent: (e: AuditFileEvent) => void,
): Promise<Output> {
  const { file } = o;
  const eachWrite = o.durability === 'fsync';
  let handle = await openForAppend(file, eachWrite);
  let size = (await handle.stat()).size;
  const pruneLogged = (currentBytes: number): Promise<void> =>
    prune(o, currentBytes, onEvent).catch((error: unknown) => {
      logger.error(
        { auditFile: file, err: { message: error instanceof Error ? error.message : '' } },
        'audit retention could not drop a file',
      );
    });
  // A bound lowered since the last run applies at once. Room is kept for the current file to
  // grow to maxBytes, so the total stays within the bound between rotations too.
  await pruneLogged(Math.max(size, o.maxBytes));
  // With `write` durability, whether the handle holds bytes not yet fsync'ed.
  let dirty = false;
  const sync = async (): Promise<void> => {
    if (!dirty) return;
    dirty = false;
    try {
      await handle.datasync();
    } catch (error) {
      dirty = true;
      throw error;
    }
  };
  const rotate = async (): Promise<void> => {
    // A rotated file is never written again: make it durable before it is set aside.
    await sync();
    const siblings = await rotatedSiblings(file);
    const next = (siblings.at(-1)?.index ?? 0) + 1;
    // Rename while the old handle is still open: if the rename fails, that batch is refused and
    // the current file stays usable; the chain continues in the new file either way.
    await rename(file, `${file}.${next}`);
    const old = handle;
    handle = await openForAppend(file, eachWrite);
    size = 0;
    await old.close();
    await syncDirectory(dirname(file));
    onEvent({ type: 'rotated', rotatedTo: `${file}.${next}` });
    await pruneLogged(o.maxBytes);
  };
  return {
    write: async (data) => {
      if (size > 0 && size + data.length > o.maxBytes) await rotate();
      try {
        if (eachWrite) {
          // With O_DSYNC on disk when the write returns.
          await writeAll(handle, data);
          if (O_DSYNC === undefined) await handle.datasync();
        } else {
          // `write` durability: one write(2) into the page cache per batch, on this thread. A
          // round trip through libuv's pool per batch cost more CPU than the write (batches are
          // small without an fsync to gather them); pino's default destination writes so too.
          writeAllSync(handle.fd, data);
          dirty = true;
        }
        size += data.length;
      } catch (error) {
        // Keep the file a clean chain: cut a partly written batch off (best effort).
        await handle.truncate(size).catch(() => undefined);
        throw error;
      }
    },
    sync,
    close: async () => {
      try {
        await sync();
      } finally {
        await handle.close();
      }
    },
  };
}

/** Something lines can be written to (process.stdout satisfies it). */
export interface LineWriter {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

/** ` (CODE)` for an error with a system error code, else ''. */
export function systemCode(cause: unknown): string {
  return cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
}

/** AUDIT_WRITE_FAILED for a failed effect, with the system error code when there is one. */
export function writeFailed(what: string, cause: unknown): AuditError {
  return new AuditError(
    'AUDIT_WRITE_FAILED',
    `audit ${what} failed${systemCode(cause)}; the invocation was not acknowledged`,
    { cause },
  );
}

/** AUDIT_RECORD_TOO_LARGE for a record over the cap. */
export function tooLarge(bytes: number, max: number): AuditError {
  return new AuditError(
    'AUDIT_RECORD_TOO_LARGE',
    `an audit record of ${bytes} bytes is over the ${max}-byte cap; it was not written`,
  );
}

/** The output of the stdout sink. */
export function stdoutOutput(out: LineWriter): Output {
  return {
    write: (data) =>
      new Promise((resolve, reject) => {
        out.write(data.toString('utf8'), (error) => {
          if (error === undefined || error === null) resolve();
          else reject(error);
        });
      }),
    sync: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Makes the audit directory (0700) and warns when an existing one is open to others. */
export async function prepareDirectory(file: string, logger: Logger): Promise<void> {
  const dir = dirname(file);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw writeFailed(`directory for "${file}"`, error);
  }
  const { mode } = await stat(dir);
  if ((mode & 0o077) !== 0) {
    logger.warn(
      { auditDirectory: dir, mode: (mode & 0o777).toString(8) },
      'the audit directory is open to other users; make it 0700',
    );
  }
}
