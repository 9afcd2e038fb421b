import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { run } from './support.js';

describe('npm start', () => {
  it('runs the whole cycle on the embedded emulator and exits 0 with --once', async () => {
    const dir = tempDir();
    const auditFile = join(dir, 'audit.jsonl');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = await run(
      npm,
      [
        'start',
        '--silent',
        '--',
        '--once',
        '--port',
        '0',
        '--emulator-port',
        '0',
        '--metrics-port',
        '0',
        '--audit-file',
        auditFile,
      ],
      { timeoutMs: 150_000, env: { LOG_LEVEL: 'warn' } },
    );
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/loaded 2 tools from \.\/examples\/tools: check_inventory, order_status/);
    expect(out).toMatch(/\+ create check_inventory/);
    expect(out).toMatch(/applied create check_inventory -> data action [0-9a-f-]{36}/);
    expect(out).toMatch(/output \{"sku":"SKU-12345","inventory_level":\d+\}/);
    expect(out).toMatch(/check_inventory \(version 1, published, circuit closed\)/);
    expect(out).toMatch(/metrics {4}http:\/\/127\.0\.0\.1:\d+\/metrics/);
    // The tools reach the model: the seeded guide and agent name the actions' ids.
    const created = /applied create check_inventory -> data action ([0-9a-f-]{36})/.exec(out)?.[1];
    expect(out).toContain(`{{Action.CheckInventory}} check_inventory -> ${created ?? '?'}`);
    expect(out).toMatch(/agent "Store agent" \(published version 1\.0\): check_inventory -> /);
    // A contract change replaces the action; guide and agent are re-pointed, the old one is gone.
    const replaced =
      /applied replace check_inventory -> data action ([0-9a-f-]{36}) \(was ([0-9a-f-]{36})\)/.exec(
        out,
      );
    expect(replaced?.[2]).toBe(created);
    expect(out).toContain(`{{Action.CheckInventory}} check_inventory -> ${replaced?.[1] ?? '?'}`);
    expect(out).toContain(
      `agent "Store agent" (published version 2.0): check_inventory -> ${replaced?.[1] ?? '?'}`,
    );
    expect(out).toContain(`old data action ${created ?? '?'}: deleted`);
    expect(out).toMatch(/audit verify .*: ok \(4 records\)/);
    // Two registry changes by apply, the execution that reached the server through the data
    // action, then the replace.
    const records = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.kind, r.tool, r.outcome])).toEqual([
      ['registry-change', expect.any(String), 'success'],
      ['registry-change', expect.any(String), 'success'],
      ['invocation', 'check_inventory', 'success'],
      ['registry-change', 'check_inventory', 'success'],
    ]);
  }, 180_000);
});
