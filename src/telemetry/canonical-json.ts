/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation and the SHA-256 helpers the audit log
 * builds on. Pure functions.
 */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { AuditError } from '../errors.js';

/**
 * The RFC 8785 canonical JSON of `value`: keys sorted by UTF-16 code units, numbers in ECMAScript
 * form, no insignificant whitespace. `undefined` (absent parameters) canonicalises as `null`.
 * @throws AuditError AUDIT_WRITE_FAILED when the value holds NaN, Infinity, a lone surrogate or a cycle.
 */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalize(value === undefined ? null : value) ?? 'null';
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'not serialisable';
    // The reason names the kind of value (NaN, cycle), never the value itself.
    throw new AuditError('AUDIT_WRITE_FAILED', `value cannot be canonicalised: ${reason}`, {
      cause: error,
    });
  }
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  // The one-shot form: no Hash object per call (two per audit record).
  return hash('sha256', text, 'hex');
}

// In a `u` regex a well-formed pair is one code point outside Cs: only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

function member(key: string, value: unknown): string {
  if (typeof value === 'string' && !LONE_SURROGATE.test(value)) {
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return `${JSON.stringify(key)}:${value}`;
  return `${JSON.stringify(key)}:${canonicalJson(value)}`;
}

/**
 * A record's canonical JSON and SHA-256 with `hashKey` added, from one pass over its members: the
 * hash is taken over the canonical JSON of `body` (without `hashKey`), and the line is that same
 * text with `"hashKey":"<hash>"` put at its sorted place. Exactly `canonicalJson({...body, hash})`
 * and `sha256Hex(canonicalJson(body))`, without canonicalising the record twice (issue 18).
 * @throws AuditError AUDIT_WRITE_FAILED as canonicalJson does.
 */
export function sealCanonical(
  body: Readonly<Record<string, unknown>>,
  hashKey: string,
): { readonly hash: string; readonly line: string } {
  const keys = Object.keys(body).sort();
  const parts: string[] = [];
  // Where the hash goes: before the first member whose key sorts after it.
  let at = -1;
  for (const key of keys) {
    const value = body[key];
    if (value === undefined || typeof value === 'symbol') continue;
    if (at < 0 && key > hashKey) at = parts.length;
    parts.push(member(key, value));
  }
  if (at < 0) at = parts.length;
  const hash = sha256Hex(`{${parts.join(',')}}`);
  parts.splice(at, 0, `${JSON.stringify(hashKey)}:"${hash}"`);
  return { hash, line: `{${parts.join(',')}}` };
}
