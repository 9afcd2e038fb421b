import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCliContext } from '../support/cli-context.js';
import { runCli } from '../../src/cli/main.js';
import { tempDir } from '../support/temp-dir.js';

const repo = resolve(import.meta.dirname, '../..');

function fakeContext(env: Record<string, string>) {
  const stop = new AbortController();
  // Each run has its own audit file; metrics bind a free port (flags below).
  const auditFile = join(tempDir(), 'audit.jsonl');
  const fake = fakeCliContext({
    env: { GENESYS_TOOLS_AUDIT_FILE: auditFile, ...env },
    cwd: repo,
    stop,
  });
  return { ...fake, stop, auditFile };
}

describe('genesys-tools serve', () => {
  it('prints each tool URL, serves calls, and stops cleanly on the stop signal', async () => {
    const run = fakeContext({
      GENESYS_TOOLS_BEARER_TOKEN: 'serve-token-1-0123456789,serve-token-2-0123456789',
    });
    const exit = runCli(
      ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'],
      run.ctx,
    );
    await run.printed('/healthz');
    const url = /POST (http:\/\/127\.0\.0\.1:\d+\/api\/v1\/tools\/check_inventory)/.exec(
      run.out(),
    )?.[1];
    expect(url).toBeDefined();
    const res = await fetch(url!, {
      method: 'POST',
      headers: {
        authorization: 'Bearer serve-token-2-0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'A-1' } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'success', output: { sku: 'A-1' } });
    const metricsUrl = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.out())?.[1];
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toMatch(/gen_ai_tool_name="check_inventory"/);
    run.stop.abort();
    expect(await exit).toBe(0);
    expect(run.out()).toContain('stopped');
    expect(run.err()).not.toContain('serve-token');
    const records = readFileSync(run.auditFile, 'utf8').trim().split('\n');
    expect(records.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ kind: 'invocation', tool: 'check_inventory', outcome: 'success' }),
    ]);
    expect(records.join('\n')).not.toContain('serve-token');
  });

  // Issue 15 item 11: validate and plan honoured the config file's `tools`, serve did not.
  it("serves the config file's tools when --tools is not given", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'genesys-tools.config.yaml'),
      `tools: [${JSON.stringify(join(repo, 'examples', 'tools', 'order_status.tool.ts'))}]\n`,
    );
    const run = fakeContext({ GENESYS_TOOLS_BEARER_TOKEN: 'serve-token-1-0123456789' });
    const exit = runCli(['serve', '--port', '0', '--metrics-port', '0'], {
      ...run.ctx,
      cwd: dir,
    });
    await run.printed('/healthz');
    expect(run.out()).toContain('serving 1 tool(s)');
    expect(run.out()).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/tools\/order_status/);
    run.stop.abort();
    expect(await exit).toBe(0);
  });

  it('refuses to start without caller authentication', async () => {
    const run = fakeContext({});
    const code = await runCli(
      ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'],
      run.ctx,
    );
    expect(code).toBe(1);
    expect(run.err()).toContain('CONFIG_MISSING');
  });

  it('starts without authentication only with --insecure-no-auth, and warns', async () => {
    const run = fakeContext({});
    const exit = runCli(
      [
        'serve',
        '--tools',
        'examples/tools',
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--insecure-no-auth',
      ],
      run.ctx,
    );
    await run.printed('/healthz');
    expect(run.err()).toContain('warning: --insecure-no-auth');
    run.stop.abort();
    expect(await exit).toBe(0);
  });

  it('refuses a port outside 0..65535 as a usage error', async () => {
    const run = fakeContext({ GENESYS_TOOLS_BEARER_TOKEN: 't0ken-value-0123456789' });
    const code = await runCli(['serve', '--port', '70000'], run.ctx);
    expect(code).toBe(1);
    expect(run.err()).toContain('--port');
  });
});
