/**
 * Where the chain resumes when the audit log opens: the hash of the last record on disk, in the
 * current file or, when that is empty, in the newest rotated one.
 */
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../deps.js';
import { AuditError } from '../errors.js';

/** Records are a few hundred bytes; the tail window holds many. */
const TAIL_BYTES = 64 * 1024;

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

function unreadable(file: string, why: string, cause?: unknown): AuditError {
  return new AuditError(
    'AUDIT_FILE_UNREADABLE',
    `cannot continue the audit chain of "${file}": ${why}`,
    cause === undefined ? { details: { file } } : { cause, details: { file } },
  );
}

/** The `hash` of the last complete line of `file`, cutting off a torn tail; undefined when empty. */
async function lastHashOf(file: string, logger: Logger): Promise<string | undefined> {
  const handle = await open(file, 'r+').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let end = buffer.length;
    if (buffer[end - 1] !== 0x0a) {
      // A crash tore the last batch: those records were never acknowledged; cut them off.
      const lastNewline = buffer.lastIndexOf(0x0a);
      if (lastNewline < 0 && start > 0)
        throw unreadable(file, 'the last line is longer than 64 KiB');
      end = lastNewline + 1;
      await handle.truncate(start + end);
      await handle.datasync();
      logger.warn({ auditFile: file, bytes: buffer.length - end }, 'cut off a torn audit record');
      if (end === 0) return undefined;
    }
    const previousNewline = end >= 2 ? buffer.lastIndexOf(0x0a, end - 2) : -1;
    if (previousNewline < 0 && start > 0)
      throw unreadable(file, 'the last line is longer than 64 KiB');
    const line = buffer.subarray(previousNewline + 1, end - 1).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw unreadable(file, 'the last line is not a JSON record', error);
    }
    if (typeof parsed !== 'object' || parsed === null || !('hash' in parsed)) {
      throw unreadable(file, 'the last line has no "hash"');
    }
    const { hash } = parsed;
    if (typeof hash !== 'string') throw unreadable(file, 'the last line has no "hash"');
    return hash;
  } finally {
    await handle.close();
  }
}

/**
 * The hash the next record must carry as `prev`, or undefined to start a new chain.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the last record on disk is not a record.
 */
export async function recoverChainHead(file: string, logger: Logger): Promise<string | undefined> {
  const current = await lastHashOf(file, logger);
  if (current !== undefined) return current;
  const siblings = await rotatedSiblings(file);
  const newest = siblings.at(-1);
  return newest === undefined ? undefined : lastHashOf(join(dirname(file), newest.name), logger);
}
