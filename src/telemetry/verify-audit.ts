/**
 * `audit verify`: walks the hash chain through one or more files in order and reports the first
 * record that is broken (changed, unparsable, not in the writer's exact serialisation, a key given
 * twice) or missing (its `prev` is not the hash before it). What it cannot see alone: records cut
 * off the end, or a whole chain rewritten; for those, compare with an anchored head (`--anchor`).
 */
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import { GENESIS_HASH, hashOfRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { duplicateKey } from './duplicate-keys.js';
import { isRecord } from '../is-record.js';

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
  /** The hash of the last sound record: the head to compare with an anchored one. */
  readonly head?: string;
  /** With `partial`: the `prev` of the first record (the head of what is not given). */
  readonly startsAfter?: string;
}

/** How to verify. */
export interface VerifyOptions {
  /**
   * The first record need not start the chain (older files were dropped by retention): its
   * `prev` is reported as `startsAfter` instead of being checked against the genesis hash.
   */
  readonly partial?: boolean;
  /** A head hash anchored elsewhere (SIEM, log line, `audit head`): it must be in the chain. */
  readonly anchor?: string;
}

type LineCheck = { ok: true; hash: string; prev: string } | { ok: false; reason: string };

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Lines written before issue 14 are `JSON.stringify` of the record in the writer's field order
 * (invocations then carried `parametersSha256`); later lines are canonical JSON. Either form has
 * exactly one text per record, which is what makes a line mean what its hash covers.
 */
function isWritersForm(line: string, record: Record<string, unknown>): boolean {
  if (line === canonicalJson(record)) return true;
  const legacy =
    record.kind === 'registry-change' ||
    (record.kind === 'invocation' && typeof record.parametersSha256 === 'string');
  return legacy && line === JSON.stringify(record);
}

function formReason(line: string): string {
  const key = duplicateKey(line);
  return key === undefined
    ? "not the writer's serialisation (canonical JSON): the line was reformatted or edited"
    : `the key "${key}" is given twice: readers may see a value the hash does not cover`;
}

/** Checks one line against the hash expected before it. Pure. */
export function checkAuditLine(line: string, expectedPrev: string | undefined): LineCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not a JSON record (changed or torn)' };
  }
  if (!isRecord(parsed)) return { ok: false, reason: 'not a JSON object' };
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
  if (!isWritersForm(line, parsed)) return { ok: false, reason: formReason(line) };
  if (expectedPrev !== undefined && prev !== expectedPrev) {
    return {
      ok: false,
      reason:
        expectedPrev === GENESIS_HASH
          ? '"prev" is not the genesis hash: records before this one are missing'
          : '"prev" does not match the record before it: a record is missing or out of order',
    };
  }
  return { ok: true, hash, prev };
}

/** Splits a file's text into lines; a final newline does not make an empty record. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

async function readAuditFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
    throw new AuditError('AUDIT_FILE_UNREADABLE', `cannot read audit file "${file}" (${code})`, {
      cause: error,
      details: { file },
    });
  }
}

function anchorMissing(file: string, line: number, anchor: string): AuditBreak {
  return {
    file,
    line,
    reason: `the anchored head ${anchor} is not in the chain: records after it were cut off, or the chain was rewritten`,
  };
}

/**
 * Verifies the chain through `paths`, oldest file first (rotated files, then the current one).
 * @throws AuditError AUDIT_FILE_UNREADABLE when a file cannot be read.
 */
export async function verifyAuditFiles(
  paths: readonly string[],
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  let expected: string | undefined = options.partial === true ? undefined : GENESIS_HASH;
  let startsAfter: string | undefined;
  let records = 0;
  let anchorSeen = options.anchor === undefined;
  let lastFile = paths.at(-1) ?? '';
  let lastLine = 0;
  const partial = (): { startsAfter?: string } =>
    startsAfter === undefined ? {} : { startsAfter };
  const head = (): { head?: string } =>
    expected === undefined || records === 0 ? {} : { head: expected };
  for (const file of paths) {
    const lines = splitLines(await readAuditFile(file));
    for (const [index, line] of lines.entries()) {
      const check = checkAuditLine(line, expected);
      if (!check.ok) {
        const firstBreak = { file, line: index + 1, reason: check.reason };
        return { ok: false, records, firstBreak, ...head(), ...partial() };
      }
      if (records === 0 && options.partial === true) startsAfter = check.prev;
      expected = check.hash;
      records += 1;
      if (check.hash === options.anchor) anchorSeen = true;
    }
    lastFile = file;
    lastLine = lines.length;
  }
  if (!anchorSeen && options.anchor !== undefined) {
    const firstBreak = anchorMissing(lastFile, lastLine, options.anchor);
    return { ok: false, records, firstBreak, ...head(), ...partial() };
  }
  return { ok: true, records, ...head(), ...partial() };
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
