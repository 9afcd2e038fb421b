import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCliContext } from '../support/cli-context.js';
import { runCli } from '../../src/cli/main.js';
import { auditLogFiles, createAuditLog } from '../../src/telemetry/audit-log.js';
import { orderAuditFiles } from '../../src/telemetry/verify-audit.js';
import { tempDir } from '../support/temp-dir.js';

async function rotatedLog(): Promise<string> {
  const file = join(tempDir(), 'audit.jsonl');
  const log = await createAuditLog({ file, maxBytes: 1024, maxBatch: 1 });
  for (let n = 1; n <= 10; n++) {
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

describe('genesys-tools audit verify', () => {
  it('passes on rotated files given in glob order and exits 0', async () => {
    const file = await rotatedLog();
    const { ctx, out } = fakeCliContext();
    const files = await auditLogFiles(file);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const globOrder = [...files].sort();
    expect(globOrder[0]).toBe(file);
    const code = await runCli(['audit', 'verify', ...globOrder], ctx);
    expect(out()).toContain(`audit chain ok: 10 records in ${files.length} files`);
    expect(code).toBe(0);
  });

  it('names the changed record and exits 1, as JSON with --json', async () => {
    const file = await rotatedLog();
    const lines = (await readFile(`${file}.2`, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"durationMs":', '"durationMs":9');
    await writeFile(`${file}.2`, lines.join('\n'));
    const { ctx, out } = fakeCliContext();
    const code = await runCli(['audit', 'verify', `${file}.1`, `${file}.2`, file, '--json'], ctx);
    expect(code).toBe(1);
    const report = JSON.parse(out()) as { ok: boolean; firstBreak: unknown };
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ file: `${file}.2`, line: 2 });
  });

  it('reports an unreadable file with AUDIT_FILE_UNREADABLE and exit 1', async () => {
    const { ctx, out } = fakeCliContext();
    const code = await runCli(['audit', 'verify', join(tempDir(), 'missing.jsonl'), '--json'], ctx);
    expect(code).toBe(1);
    expect(JSON.parse(out())).toMatchObject({
      error: { code: 'AUDIT_FILE_UNREADABLE' },
    });
  });
});

describe('orderAuditFiles', () => {
  it.each([
    [
      ['a', 'a.1', 'a.2'],
      ['a.1', 'a.2', 'a'],
    ],
    [
      ['a', 'a.10', 'a.2'],
      ['a.2', 'a.10', 'a'],
    ],
    [
      ['a.1', 'a'],
      ['a.1', 'a'],
    ],
    [
      ['x', 'y'],
      ['x', 'y'],
    ],
    [
      ['b.1', 'a', 'a.1'],
      ['b.1', 'a.1', 'a'],
    ],
  ])('orders %j as %j', (input, expected) => {
    expect(orderAuditFiles(input)).toEqual(expected);
  });
});
