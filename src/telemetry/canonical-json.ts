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
