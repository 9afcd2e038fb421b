/**
 * `audit verify`: walks the hash chain through one or more files in order and reports the first
 * record that is broken (changed, unparsable) or missing (its `prev` is not the hash before it).
 */
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import { GENESIS_HASH, hashOfRecord } from './audit-record.js';

/** Where the chain first breaks. `line` is 1-based. */
export interface AuditBreak {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** The outcome of a verification. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Records checked and found sound before the first break (all of them when ok). */
  readonly records: number;
  readonly firstBreak?: AuditBreak;
}

type LineCheck = { ok: true; hash: string } | { ok: false; reason: string };

const HEX64 = /^[0-9a-f]{64}$/;

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one line against the hash expected before it. Pure. */
export function checkAuditLine(line: string, expectedPrev: string): LineCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not a JSON record (changed or torn)' };
  }
  if (!isRecordObject(parsed)) return { ok: false, reason: 'not a JSON object' };
  const { hash, prev } = parsed;
  if (typeof hash !== 'string' || !HEX64.test(hash)) {
    return { ok: false, reason: 'no valid "hash" field' };
  }
  if (typeof prev !== 'string' || !HEX64.test(prev)) {
    return { ok: false, reason: 'no valid "prev" field' };
  }
  let actual: string;
  try {
    actual = hashOfRecord(parsed);
  } catch {
    return { ok: false, reason: 'record cannot be canonicalised' };
  }
  if (actual !== hash) return { ok: false, reason: 'hash mismatch: the record was changed' };
  if (prev !== expectedPrev) {
    return {
      ok: false,
      reason:
        expectedPrev === GENESIS_HASH
          ? '"prev" is not the genesis hash: records before this one are missing'
          : '"prev" does not match the record before it: a record is missing or out of order',
    };
  }
  return { ok: true, hash };
}

/** Splits a file's text into lines; a final newline does not make an empty record. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Verifies the chain through `paths`, oldest file first (rotated files, then the current one).
 * @throws AuditError AUDIT_FILE_UNREADABLE when a file cannot be read.
 */
export async function verifyAuditFiles(paths: readonly string[]): Promise<AuditVerification> {
  let expected = GENESIS_HASH;
  let records = 0;
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
      throw new AuditError('AUDIT_FILE_UNREADABLE', `cannot read audit file "${file}" (${code})`, {
        cause: error,
        details: { file },
      });
    }
    const lines = splitLines(text);
    for (const [index, line] of lines.entries()) {
      const check = checkAuditLine(line, expected);
      if (!check.ok) {
        return { ok: false, records, firstBreak: { file, line: index + 1, reason: check.reason } };
      }
      expected = check.hash;
      records += 1;
    }
  }
  return { ok: true, records };
}

/**
 * Puts rotated files in chain order: `FILE.1, FILE.2, ..., FILE` for each FILE named (a shell
 * glob `audit.jsonl*` lists the current file first). Other paths keep their order. Pure.
 */
export function orderAuditFiles(paths: readonly string[]): string[] {
  const given = new Set(paths);
  const keyOf = (path: string): { base: string; index: number } => {
    const m = /^(.*)\.([1-9][0-9]*)$/.exec(path);
    const base = m?.[1];
    if (base !== undefined && given.has(base)) return { base, index: Number(m?.[2]) };
    return { base: path, index: Number.POSITIVE_INFINITY };
  };
  const firstSeen = new Map<string, number>();
  paths.forEach((p, i) => {
    const { base } = keyOf(p);
    if (!firstSeen.has(base)) firstSeen.set(base, i);
  });
  return [...paths].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const byBase = (firstSeen.get(ka.base) ?? 0) - (firstSeen.get(kb.base) ?? 0);
    return byBase !== 0 ? byBase : ka.index - kb.index;
  });
}
