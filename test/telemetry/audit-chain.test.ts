import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import { GENESIS_HASH, hashOfRecord, nextAuditRecord } from '../../src/telemetry/audit-record.js';
import { createHmac } from 'node:crypto';
import type { AuditInvocationEntry } from '../../src/telemetry/audit-record.js';
import { canonicalJson } from '../../src/telemetry/canonical-json.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { tempDir } from '../support/temp-dir.js';

const KEY = 'k'.repeat(32);
const inv = (entry: AuditInvocationEntry) => ({ kind: 'invocation' as const, entry });

const base: AuditInvocationEntry = {
  time: '2026-01-01T00:00:00.000Z',
  invocationId: 'inv-1',
  tool: 'check_inventory',
  parameters: { b: 1, a: [true, null, 'x'] },
  outcome: 'success',
  durationMs: 12,
};

describe('canonicalJson', () => {
  it.each([
    [{ b: 2, a: 1 }, '{"a":1,"b":2}'],
    [{ a: { d: 1, c: [3, { f: 1, e: 2 }] } }, '{"a":{"c":[3,{"e":2,"f":1}],"d":1}}'],
    [1e21, '1e+21'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-0, '0'],
    ['\u00e9\n', '"\u00e9\\n"'],
    [undefined, 'null'],
    [{ a: undefined, b: null }, '{"b":null}'],
  ])('canonicalises %j as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %s with AUDIT_WRITE_FAILED', (v) => {
    expect(() => canonicalJson({ v })).toThrow(
      expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }),
    );
  });
});

describe('nextAuditRecord', () => {
  it('starts the chain at the genesis hash and hashes the record without its hash', () => {
    const record = nextAuditRecord(undefined, inv(base), KEY);
    expect(record.prev).toBe(GENESIS_HASH);
    expect(record.hash).toBe(hashOfRecord({ ...record }));
    expect(record).not.toHaveProperty('parameters');
  });

  it('links each record to the previous hash', () => {
    const first = nextAuditRecord(undefined, inv(base), KEY);
    const second = nextAuditRecord(first, inv({ ...base, invocationId: 'inv-2' }), KEY);
    expect(second.prev).toBe(first.hash);
  });

  it.each([
    ['keys in another order', { a: [true, null, 'x'], b: 1 }, true],
    ['the same value as a float', { b: 1.0, a: [true, null, 'x'] }, true],
    ['a changed value', { b: 2, a: [true, null, 'x'] }, false],
  ])('gives parameters with %s the same hash: %s', (_label, parameters, same) => {
    const a = nextAuditRecord(undefined, inv(base), KEY);
    const b = nextAuditRecord(undefined, inv({ ...base, parameters }), KEY);
    expect(a.kind === 'invocation' && b.kind === 'invocation').toBe(true);
    if (a.kind !== 'invocation' || b.kind !== 'invocation') return;
    expect(a.parametersHmac === b.parametersHmac).toBe(same);
    expect(a.parametersHmac).toBe(
      createHmac('sha256', KEY).update('{"a":[true,null,"x"],"b":1}').digest('hex'),
    );
  });
});

async function writeChain(count: number): Promise<string> {
  const file = join(tempDir(), 'audit.jsonl');
  const log = await createAuditLog({ file });
  for (let n = 1; n <= count; n++) {
    await log.append({ ...base, invocationId: `inv-${n}`, durationMs: n });
  }
  await log.close();
  return file;
}

describe('verifyAuditFiles', () => {
  it('passes on an untouched file', async () => {
    const file = await writeChain(5);
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 5 });
  });

  it.each([
    ['a digit of the duration', '"durationMs":3', '"durationMs":4', 'hash mismatch'],
    ['a letter of the tool', '"invocationId":"inv-3"', '"invocationId":"inv-X"', 'hash mismatch'],
    ['a comma', '"outcome":"success",', '"outcome":"success";', 'not a JSON'],
  ])('names the record after a one-byte change of %s', async (_label, from, to, reason) => {
    const file = await writeChain(5);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const changed = lines[2]!.replace(from, to);
    expect(changed).not.toBe(lines[2]);
    expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(lines[2]!));
    lines[2] = changed;
    await writeFile(file, lines.join('\n'));
    const result = await verifyAuditFiles([file]);
    expect(result.ok).toBe(false);
    expect(result.records).toBe(2);
    expect(result.firstBreak?.file).toBe(file);
    expect(result.firstBreak?.line).toBe(3);
    expect(result.firstBreak?.reason).toContain(reason);
  });

  it('names the record after a removed line as the place a record is missing', async () => {
    const file = await writeChain(5);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.splice(1, 1);
    await writeFile(file, lines.join('\n'));
    const result = await verifyAuditFiles([file]);
    expect(result.firstBreak).toMatchObject({ file, line: 2 });
    expect(result.firstBreak?.reason).toContain('missing');
  });

  it('reports a missing first record', async () => {
    const file = await writeChain(3);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.slice(1).join('\n'));
    const result = await verifyAuditFiles([file]);
    expect(result.firstBreak).toMatchObject({ line: 1 });
    expect(result.firstBreak?.reason).toContain('genesis');
  });

  it('throws AUDIT_FILE_UNREADABLE for a file that does not exist', async () => {
    await expect(verifyAuditFiles([join(tempDir(), 'nope.jsonl')])).rejects.toMatchObject({
      code: 'AUDIT_FILE_UNREADABLE',
    });
  });
});
