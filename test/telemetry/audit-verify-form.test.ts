import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import { GENESIS_HASH, hashOfRecord } from '../../src/telemetry/audit-record.js';
import { canonicalJson } from '../../src/telemetry/canonical-json.js';
import { duplicateKey } from '../../src/telemetry/duplicate-keys.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { fakeCliContext } from '../support/cli-context.js';
import { tempDir } from '../support/temp-dir.js';

const KEY = 'verify-form-hmac-key-0123456789abcde';

async function writeChain(count: number): Promise<string> {
  const file = join(tempDir(), 'audit.jsonl');
  const log = await createAuditLog({ file, hmacKey: KEY });
  for (let n = 1; n <= count; n++) {
    await log.append({
      time: '2026-01-01T00:00:00.000Z',
      invocationId: `inv-${n}`,
      tool: 'check_inventory',
      parameters: { n },
      outcome: 'success',
      durationMs: n,
    });
  }
  await log.close();
  return file;
}

async function editLine(file: string, index: number, edit: (line: string) => string) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const changed = edit(lines[index] ?? '');
  expect(changed).not.toBe(lines[index]);
  lines[index] = changed;
  await writeFile(file, lines.join('\n'));
}

describe('audit verify checks the exact line (issue 14, item 5)', () => {
  it('refuses the duplicated-key forgery that JSON.parse would hash as the original', async () => {
    const file = await writeChain(3);
    await editLine(file, 1, (l) => `{"tool":"transfer_funds",${l.slice(1)}`);
    // The forgery parses to the original record: its hash still matches.
    const forged = (await readFile(file, 'utf8')).split('\n')[1] ?? '';
    const parsed = JSON.parse(forged) as Record<string, unknown>;
    expect(parsed.tool).toBe('check_inventory');
    expect(hashOfRecord(parsed)).toBe(parsed.hash);

    const result = await verifyAuditFiles([file]);
    expect(result).toMatchObject({ ok: false, records: 1, firstBreak: { file, line: 2 } });
    expect(result.firstBreak?.reason).toContain('"tool" is given twice');
  });

  it.each([
    ['a space after a colon', (l: string) => l.replace('"kind":', '"kind": ')],
    ['an escaped character', (l: string) => l.replace('check_inventory', 'check\\u005finventory')],
    [
      'keys in another order',
      (l: string) =>
        `{"tool":"check_inventory",${l.slice(1).replace(',"tool":"check_inventory"', '')}`,
    ],
    [
      'a number written another way',
      (l: string) => l.replace('"durationMs":2', '"durationMs":2.0'),
    ],
  ])('refuses a line changed by %s though it parses to the same record', async (_label, edit) => {
    const file = await writeChain(3);
    await editLine(file, 1, edit);
    const result = await verifyAuditFiles([file]);
    expect(result.firstBreak).toMatchObject({ line: 2 });
    expect(result.firstBreak?.reason).toContain("not the writer's serialisation");
  });

  it('still verifies records written before issue 14 (JSON.stringify lines, parametersSha256)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    let prev = GENESIS_HASH;
    const lines: string[] = [];
    for (let n = 1; n <= 2; n++) {
      const body = {
        kind: 'invocation',
        time: '2026-01-01T00:00:00.000Z',
        invocationId: `inv-${n}`,
        tool: 'check_inventory',
        parametersSha256: createHash('sha256').update(`{"n":${n}}`).digest('hex'),
        outcome: 'success',
        durationMs: n,
        prev,
      };
      const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
      lines.push(JSON.stringify({ ...body, hash }));
      prev = hash;
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    const log = await createAuditLog({ file, hmacKey: KEY });
    await log.appendChange({
      time: '2026-01-01T00:00:00.000Z',
      actor: 'client-1',
      action: 'create',
      tool: 'check_inventory',
      target: 'data-actions',
      outcome: 'success',
    });
    await log.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 3 });
  });

  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1},"b":{"b":2}}', undefined],
    ['{"a":[{"x":1},{"x":2}],"s":"\\"x\\":"}', undefined],
    ['{"a":{"b":1,"c":{"d":1},"b":2}}', 'b'],
  ])('finds the duplicated key of %s: %s', (text, key) => {
    expect(duplicateKey(text)).toBe(key);
  });
});

describe('audit head and verify --anchor (issue 14, item 5)', () => {
  it('prints the head, as text and as JSON, equal to what verify reaches', async () => {
    const file = await writeChain(4);
    const { head } = await verifyAuditFiles([file]);
    const text = fakeCliContext();
    expect(await runCli(['audit', 'head', file], text.ctx)).toBe(0);
    expect(text.out()).toBe(`${head}\n`);
    const json = fakeCliContext();
    expect(await runCli(['audit', 'head', file, '--json'], json.ctx)).toBe(0);
    expect(JSON.parse(json.out())).toEqual({ file, head });
  });

  it('finds a cut-off end only against the anchored head', async () => {
    const file = await writeChain(4);
    const { head } = await verifyAuditFiles([file]);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
    await writeFile(file, `${lines.slice(0, 3).join('\n')}\n`);
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 3 });
    const { ctx, out } = fakeCliContext();
    expect(await runCli(['audit', 'verify', file, '--anchor', String(head)], ctx)).toBe(1);
    expect(out()).toContain('is not in the chain');
  });

  it('verifies the tail of a chain with --partial and says what it follows', async () => {
    const file = await writeChain(4);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
    const tail = join(tempDir(), 'tail.jsonl');
    await writeFile(tail, `${lines.slice(2).join('\n')}\n`);
    const second = JSON.parse(lines[1] ?? '{}') as { hash: string };
    expect((await verifyAuditFiles([tail])).ok).toBe(false);
    expect(await verifyAuditFiles([tail], { partial: true })).toMatchObject({
      ok: true,
      records: 2,
      startsAfter: second.hash,
    });
  });
});
