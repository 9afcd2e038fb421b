import { describe, expect, it } from 'vitest';
import { canonicalJson, sealCanonical, sha256Hex } from '../../src/telemetry/canonical-json.js';

describe('sealCanonical: a record and its hash from one serialisation', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an invocation', { kind: 'invocation', time: 't', tool: 'x', durationMs: 3, prev: '0' }],
    ['keys all before hash', { a: 1, b: 'two', ga: true }],
    ['keys all after hash', { kind: 'k', prev: 'p', z: null }],
    ['no keys', {}],
    ['unicode, escapes and upper-case keys', { Zed: 'é\u2028"\\\n', hb: '😀', HASH: 1, é: 'x' }],
    ['numbers in ECMAScript form', { n1: 1e21, n2: -0, n3: 0.1 + 0.2, n4: -5e-7 }],
    ['arrays and nested objects', { list: ['b', 'a'], nested: { z: 1, a: [1, { y: 2, b: 3 }] } }],
    ['undefined members', { a: undefined, kind: 'k', z: undefined }],
  ])('equals canonicalJson and sha256Hex for %s', (_what, body) => {
    const sealed = sealCanonical(body, 'hash');
    const hash = sha256Hex(canonicalJson(body));
    expect(sealed).toEqual({ hash, line: canonicalJson({ ...body, hash }) });
  });

  it('refuses what canonicalJson refuses, with the same error', () => {
    for (const bad of [{ s: 'a\ud800' }, { n: Number.NaN }, { n: Infinity }]) {
      expect(() => canonicalJson(bad)).toThrow(
        expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }),
      );
      expect(() => sealCanonical(bad, 'hash')).toThrow(
        expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }),
      );
    }
  });
});
