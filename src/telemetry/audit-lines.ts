/**
 * Reading an audit file's lines from either end without loading the file: the first line tells
 * whether the file is an audit log at all, the last complete line where the chain resumes. Lines
 * are read whole whatever their length (a 100 KB record once stopped every restart: issue 14,
 * item 2), up to MAX_LINE_BYTES so that a foreign multi-gigabyte file cannot exhaust memory.
 */
import type { FileHandle } from 'node:fs/promises';
import { AuditError } from '../errors.js';

const CHUNK = 64 * 1024;

/** The longest line recovery reads: far above any record ever written (bodies are ≤ 50 MB). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;

/** What recovery needs of a line: that it is an audit record, and its hash. */
export function recordHash(line: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { kind, prev, hash } = parsed as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof prev !== 'string' || typeof hash !== 'string') {
    return undefined;
  }
  return HEX64.test(prev) && HEX64.test(hash) ? hash : undefined;
}

/** An AUDIT_FILE_UNREADABLE error naming the file and why. */
export function unreadable(file: string, why: string, cause?: unknown): AuditError {
  return new AuditError(
    'AUDIT_FILE_UNREADABLE',
    `cannot continue the audit chain of "${file}": ${why}`,
    cause === undefined ? { details: { file } } : { cause, details: { file } },
  );
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return buffer.subarray(0, read);
}

/** Offset of the first newline at or after `from`, or -1 when there is none before `size`. */
export async function nextNewline(handle: FileHandle, from: number, size: number): Promise<number> {
  for (let at = from; at < size; at += CHUNK) {
    if (at - from > MAX_LINE_BYTES) return -1;
    const chunk = await readAt(handle, at, Math.min(CHUNK, size - at));
    const i = chunk.indexOf(0x0a);
    if (i >= 0) return at + i;
  }
  return -1;
}

/** Offset just after the last newline before `end` (0 when the line starts the file). */
export async function lineStart(file: string, handle: FileHandle, end: number): Promise<number> {
  for (let stop = end; stop > 0; stop -= CHUNK) {
    if (end - stop > MAX_LINE_BYTES) {
      throw unreadable(file, `the last line is longer than ${MAX_LINE_BYTES} bytes`);
    }
    const start = Math.max(0, stop - CHUNK);
    const chunk = await readAt(handle, start, stop - start);
    const i = chunk.lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
  }
  return 0;
}

/** The text between two offsets. */
export async function textAt(handle: FileHandle, start: number, end: number): Promise<string> {
  return (await readAt(handle, start, end - start)).toString('utf8');
}

/** What an audit file holds, as far as resuming the chain goes. */
export type FileShape =
  | { readonly kind: 'empty' }
  /** Complete lines up to `end` (just after the last newline); bytes after it are a torn tail. */
  | { readonly kind: 'records'; readonly end: number; readonly lastHash: string }
  /** No complete line, only the start of a first record a crash tore: safe to cut. */
  | { readonly kind: 'torn-first-record' };

/** The most bytes a torn first record may have: a record is far smaller (the writer caps it). */
const MAX_TORN_FIRST = 1024 * 1024;

/**
 * Reads the shape of an audit file: empty, records (with the last complete line's hash), or only
 * a torn first record. Anything else is refused: a file that is not an audit log is never cut.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the file is not an audit log.
 */
export async function fileShape(file: string, handle: FileHandle): Promise<FileShape> {
  const { size } = await handle.stat();
  if (size === 0) return { kind: 'empty' };
  const firstNewline = await nextNewline(handle, 0, size);
  if (firstNewline < 0) {
    const text = size <= MAX_TORN_FIRST ? await textAt(handle, 0, size) : '';
    // A crash during the very first write leaves a prefix of a record (not JSON yet) or a whole
    // record without its newline; a JSON document of another kind is someone else's file.
    if (text.startsWith('{"') && (recordHash(text) !== undefined || !isJson(text))) {
      return { kind: 'torn-first-record' };
    }
    throw unreadable(
      file,
      `it holds ${size} bytes and no audit record; it is not an audit log (move it away or choose another audit file)`,
    );
  }
  if (recordHash(await textAt(handle, 0, firstNewline)) === undefined) {
    throw unreadable(
      file,
      'its first line is not an audit record; it is not an audit log (move it away or choose another audit file)',
    );
  }
  // Just after the last newline: the whole file when it ends with one, else a torn tail follows.
  const end = await lineStart(file, handle, size);
  const start = await lineStart(file, handle, end - 1);
  const lastHash = recordHash(await textAt(handle, start, end - 1));
  if (lastHash === undefined)
    throw unreadable(file, 'its last complete line is not an audit record');
  return { kind: 'records', end, lastHash };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
