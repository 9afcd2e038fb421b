/**
 * Where the chain resumes when the audit log opens: the hash of the last record on disk, in the
 * current file or, when that is empty, in the newest rotated one. Only a torn tail left by a crash
 * is ever cut; a file that is not an audit log, or a symbolic link, is refused (issue 14, item 6).
 */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../deps.js';
import { AuditError } from '../errors.js';
import { fileShape } from './audit-lines.js';

/** Rotated files `FILE.N` next to `file`, oldest (lowest N) first. */
export async function rotatedSiblings(
  file: string,
): Promise<{ readonly name: string; readonly index: number }[]> {
  const base = basename(file);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const found: { name: string; index: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9][0-9]*$/.test(suffix)) found.push({ name, index: Number(suffix) });
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Refuses anything at `file` but a regular file (or nothing): a symbolic link could point the
 * writer at another file, which recovery would then cut.
 * @throws AuditError AUDIT_FILE_UNSAFE for a symbolic link or a non-regular file.
 */
export async function assertRegularFile(file: string): Promise<boolean> {
  const stats = await lstat(file).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stats === undefined) return false;
  if (stats.isSymbolicLink()) {
    throw new AuditError(
      'AUDIT_FILE_UNSAFE',
      `audit file "${file}" is a symbolic link; give the real path of the audit file instead`,
      { details: { file } },
    );
  }
  if (!stats.isFile()) {
    throw new AuditError('AUDIT_FILE_UNSAFE', `audit file "${file}" is not a regular file`, {
      details: { file },
    });
  }
  return true;
}

/** Opening flags that never follow a symbolic link at the last path component. */
export const NO_FOLLOW = constants.O_NOFOLLOW;

/** The hash of the last record of `file`, cutting off a torn tail; undefined when empty. */
async function resumeFrom(file: string, logger: Logger): Promise<string | undefined> {
  if (!(await assertRegularFile(file))) return undefined;
  const handle = await open(file, constants.O_RDWR | NO_FOLLOW);
  try {
    const shape = await fileShape(file, handle);
    const { size } = await handle.stat();
    switch (shape.kind) {
      case 'empty':
        return undefined;
      case 'torn-first-record':
        await cutTo(handle, 0);
        logger.warn({ auditFile: file, bytes: size }, 'cut off a torn audit record');
        return undefined;
      case 'records':
        if (shape.end < size) {
          // A crash tore the last batch: those records were never acknowledged; cut them off.
          await cutTo(handle, shape.end);
          logger.warn({ auditFile: file, bytes: size - shape.end }, 'cut off a torn audit record');
        }
        return shape.lastHash;
    }
  } finally {
    await handle.close();
  }
}

async function cutTo(handle: Awaited<ReturnType<typeof open>>, length: number): Promise<void> {
  await handle.truncate(length);
  await handle.datasync();
}

/**
 * The hash of the last complete record of `file` without changing it; undefined when it holds
 * none. For `audit head`.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the file is not an audit log.
 * @throws AuditError AUDIT_FILE_UNSAFE for a symbolic link.
 */
async function lastRecordHash(file: string): Promise<string | undefined> {
  if (!(await assertRegularFile(file))) {
    throw new AuditError('AUDIT_FILE_UNREADABLE', `audit file "${file}" does not exist`, {
      details: { file },
    });
  }
  const handle = await open(file, constants.O_RDONLY | NO_FOLLOW);
  try {
    const shape = await fileShape(file, handle);
    return shape.kind === 'records' ? shape.lastHash : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The head of the chain that ends in `file`: the hash of its last complete record, or of the
 * newest rotated file's when `file` is empty; undefined when there is no record. Changes nothing.
 * @throws AuditError AUDIT_FILE_UNREADABLE when `file` is missing or not an audit log.
 * @throws AuditError AUDIT_FILE_UNSAFE for a symbolic link.
 */
export async function readChainHead(file: string): Promise<string | undefined> {
  const current = await lastRecordHash(file);
  if (current !== undefined) return current;
  const newest = (await rotatedSiblings(file)).at(-1);
  return newest === undefined ? undefined : lastRecordHash(join(dirname(file), newest.name));
}

/**
 * The hash the next record must carry as `prev`, or undefined to start a new chain.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the file on disk is not an audit log.
 * @throws AuditError AUDIT_FILE_UNSAFE when it is a symbolic link or not a regular file.
 */
export async function recoverChainHead(file: string, logger: Logger): Promise<string | undefined> {
  const current = await resumeFrom(file, logger);
  if (current !== undefined) return current;
  const siblings = await rotatedSiblings(file);
  const newest = siblings.at(-1);
  return newest === undefined ? undefined : resumeFrom(join(dirname(file), newest.name), logger);
}
