import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { startScriptServer } from '../genesys/support/script-server.js';

// Issue 15 item 13: on the gateway target, a tool server's 401 was reported as
// GENESYS_AUTH_FAILED "the token was refused even after renewal"; it is the tool's failure.
describe('invoke on the gateway target when the tool server answers 401', () => {
  it('reports the tool failing, with no token renewal and one invoke', async () => {
    const toolServer = await startScriptServer(() => ({
      status: 401,
      body: {
        status: 'error',
        output: null,
        error_code: 'UNAUTHORIZED',
        message: 'credentials missing or wrong',
        invocation_id: 'inv-1',
      },
    }));
    const { url, clientId, clientSecret, emulator } = await startEmulator();
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    writeFileSync(
      join(cwd, 'tools', 'lookup.yaml'),
      'name: lookup\ndescription: Looks a thing up\nparameters:\n  sku: { type: string, required: true }\n' +
        `endpoint: ${toolServer.url}/api/v1/tools/lookup\n`,
    );
    const env = {
      GENESYS_CLOUD_API_URL: url,
      GENESYS_CLOUD_LOGIN_URL: url,
      GENESYS_CLOUD_CLIENT_ID: clientId,
      GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
      GENESYS_TOOLS_TARGET: 'gateway',
      GENESYS_TOOLS_EXECUTION_URL: toolServer.url,
      GENESYS_TOOLS_AUDIT_FILE: join(cwd, 'audit.jsonl'),
    };
    const applied = fakeCliContext({ env, cwd });
    expect(await runCli(['apply', '--auto-approve'], applied.ctx), applied.err()).toBe(0);

    const tokensBefore = emulator.calls.filter((c) => c.path === '/oauth/token').length;
    const run = fakeCliContext({ env, cwd });
    const code = await runCli(['invoke', 'lookup', '--param', 'sku=A-1', '--json'], run.ctx);
    expect(code).toBe(1);
    const { error } = JSON.parse(run.out()) as { error: { code: string; details: unknown } };
    expect(error.code).toBe('GENESYS_EXECUTION_FAILED');
    expect(error.details).toMatchObject({ toolErrorCode: 'UNAUTHORIZED' });
    expect(run.out()).not.toContain('refused even after renewal');
    // The invoke's own first token, and no second one: the OAuth token was never the problem.
    expect(emulator.calls.filter((c) => c.path === '/oauth/token')).toHaveLength(tokensBefore + 1);
    expect(emulator.calls.filter((c) => c.path.endsWith('/invoke'))).toHaveLength(1);
    expect(toolServer.calls).toHaveLength(1);
  });
});
