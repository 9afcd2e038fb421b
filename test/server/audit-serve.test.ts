import { createHmac } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { fakeCliContext } from '../support/cli-context.js';
import { tempDir } from '../support/temp-dir.js';

const repo = resolve(import.meta.dirname, '../..');
const TOKEN = 'audit-serve-token-0123456789';
const HMAC_KEY = 'SENTINEL-HMAC-KEY-7f3a9c1e5b2d8f4a6c0e';

function fakeContext(env: Record<string, string>, auditFile: string) {
  const stop = new AbortController();
  const fake = fakeCliContext({
    env: { GENESYS_TOOLS_AUDIT_FILE: auditFile, GENESYS_TOOLS_BEARER_TOKEN: TOKEN, ...env },
    cwd: repo,
    stop,
  });
  return { ...fake, stop };
}

const SERVE = ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'];

describe('serve and its audit log (issue 14, items 6 and 7)', () => {
  it('keeps the HMAC key out of every output, writes 0600 in 0700, and logs through the CLI logger', async () => {
    const dir = tempDir();
    const auditFile = join(dir, 'audit', 'audit.jsonl');
    const keyFile = join(dir, 'hmac-key');
    writeFileSync(keyFile, `${HMAC_KEY}\n`);
    const run = fakeContext(
      { GENESYS_TOOLS_AUDIT_HMAC_KEY_FILE: keyFile, LOG_LEVEL: 'debug' },
      auditFile,
    );
    const exit = runCli(SERVE, run.ctx);
    await run.printed('/healthz');
    const base = /serving \d+ tool\(s\) at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out())?.[1] ?? '';
    const call = (authorization: string, envelope: Record<string, unknown> = {}) =>
      fetch(`${base}/api/v1/tools/check_inventory`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          tool_name: 'check_inventory',
          parameters: { sku: 'A-1' },
          ...envelope,
        }),
      });
    expect((await call(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await call(`Bearer ${HMAC_KEY}`)).status).toBe(401);
    expect((await call(`Bearer ${TOKEN}`, { user_id: HMAC_KEY.repeat(10) })).status).toBe(422);

    // A second writer on the same file gets a clear error naming the file.
    const second = fakeContext({ GENESYS_TOOLS_AUDIT_HMAC_KEY_FILE: keyFile }, auditFile);
    expect(await runCli(SERVE, second.ctx)).not.toBe(0);
    expect(second.err()).toContain('AUDIT_FILE_LOCKED');
    expect(second.err()).toContain(auditFile);

    const metricsUrl = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.out())?.[1];
    const metrics = await (await fetch(metricsUrl ?? '')).text();
    run.stop.abort();
    expect(await exit).toBe(0);

    const audit = readFileSync(auditFile, 'utf8');
    const everything = [run.out(), run.err(), second.out(), second.err(), audit, metrics].join(
      '\n',
    );
    expect(everything).not.toContain(HMAC_KEY);
    expect(everything).not.toContain('SENTINEL-HMAC');

    const records = audit
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The 422 was refused before its handler ran: summed, not recorded (issue 18, goal 2).
    expect(records.map((r) => [r.kind, r.reason])).toEqual([
      ['invocation', undefined],
      ['refused-calls', 'wrong-credentials'],
      ['refused-calls', 'invalid-parameters'],
    ]);
    expect(records[0]?.parametersHmac).toBe(
      createHmac('sha256', HMAC_KEY).update('{"sku":"A-1"}').digest('hex'),
    );
    expect(statSync(auditFile).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(auditFile)).mode & 0o777).toBe(0o700);
    // The audit log's own lines reach the CLI's log.
    expect(run.err()).toContain('audit chain head');
    expect(run.err()).toContain('calls refused before authentication');
  });
});
