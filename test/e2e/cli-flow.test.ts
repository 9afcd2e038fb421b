import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { cli, startDaemon } from './support.js';

describe('the CLI flow a user runs, through the built binary', () => {
  it('emulator, validate, plan, apply, serve, invoke, plan again, destroy, audit verify', async () => {
    const dir = tempDir();
    // One writer per audit file: the server and the CLI commands each keep their own chain.
    const auditFile = join(dir, 'cli-audit.jsonl');
    const serverAuditFile = join(dir, 'server-audit.jsonl');
    const emulator = await startDaemon(
      ['emulator', '--port', '0'],
      {},
      /GENESYS_CLOUD_API_URL=(http:\/\/127\.0\.0\.1:\d+)/,
    );
    const apiUrl = emulator.match[1] ?? '';
    const token = 'e2e-bearer-token-0123456789';
    const env: Record<string, string> = {
      GENESYS_CLOUD_API_URL: apiUrl,
      GENESYS_CLOUD_LOGIN_URL: apiUrl,
      GENESYS_CLOUD_CLIENT_ID: 'emulator-client',
      GENESYS_CLOUD_CLIENT_SECRET: 'emulator-secret',
      GENESYS_TOOLS_BEARER_TOKEN: token,
      GENESYS_TOOLS_AUDIT_FILE: auditFile,
      LOG_LEVEL: 'warn',
    };
    const server = await startDaemon(
      ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'],
      { ...env, GENESYS_TOOLS_AUDIT_FILE: serverAuditFile },
      /serving 2 tool\(s\) at (http:\/\/127\.0\.0\.1:\d+)/,
    );
    env.GENESYS_TOOLS_EXECUTION_URL = server.match[1] ?? '';

    const validate = await cli(['validate', 'examples/tools'], env);
    expect(validate.code, validate.stderr).toBe(0);

    const plan = await cli(['plan', 'examples/tools', '--detailed-exitcode'], env);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/\+ create check_inventory/);
    expect(plan.stdout).toMatch(/\+ create order_status/);

    const apply = await cli(['apply', 'examples/tools', '--auto-approve'], env);
    expect(apply.code, apply.stderr).toBe(0);

    const invoke = await cli(['invoke', 'check_inventory', '--param', 'sku=SKU-42', '--json'], env);
    expect(invoke.code, invoke.stderr).toBe(0);
    expect(JSON.parse(invoke.stdout)).toMatchObject({
      output: { sku: 'SKU-42', inventory_level: expect.any(Number) as number },
    });

    const again = await cli(['plan', 'examples/tools', '--detailed-exitcode'], env);
    expect(again.code, again.stdout + again.stderr).toBe(0);

    const list = await cli(['list', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('check_inventory');

    const destroy = await cli(['destroy', '--auto-approve'], env);
    expect(destroy.code, destroy.stderr).toBe(0);
    const empty = await cli(['plan', 'examples/tools', '--detailed-exitcode'], env);
    expect(empty.code).toBe(2);

    expect(await server.stop()).toBe(0);
    expect(await emulator.stop()).toBe(0);

    const verify = await cli(['audit', 'verify', auditFile], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const verifyServer = await cli(['audit', 'verify', serverAuditFile], env);
    expect(verifyServer.code, verifyServer.stdout + verifyServer.stderr).toBe(0);
    const kinds = (file: string): string[] =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { kind: string }).kind);
    // Two creates by apply and two deletes by destroy; the server saw the one invocation.
    expect(kinds(auditFile)).toEqual(Array(4).fill('registry-change'));
    expect(kinds(serverAuditFile)).toEqual(['invocation']);
    // No secret in any output or record.
    const everything = [plan, apply, invoke, again, list, destroy, verify]
      .map((r) => r.stdout + r.stderr)
      .join('\n');
    const audits = readFileSync(auditFile, 'utf8') + readFileSync(serverAuditFile, 'utf8');
    expect(everything + audits + server.output()).not.toContain(token);
    expect(everything).not.toContain('emulator-secret');
  }, 240_000);
});
