/**
 * Issue 14 §12: configuration that silently weakened the server is refused at start, a Basic-auth
 * password alone is redacted, and W3C trace context is honoured only from authenticated callers.
 */
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cliLogger } from '../../src/cli/wiring.js';
import { loadEnvConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import type { InvocationObserver } from '../../src/server/index.js';
import { createToolServer } from '../../src/server/index.js';
import { fakeCliContext } from '../support/cli-context.js';
import { fakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';
import { TOKEN, invoke, server, tool } from './helpers.js';

const repo = resolve(import.meta.dirname, '../..');

async function serve(env: Record<string, string>, flags: readonly string[] = []) {
  const auditFile = join(tempDir(), 'audit.jsonl');
  const run = fakeCliContext({ env: { GENESYS_TOOLS_AUDIT_FILE: auditFile, ...env }, cwd: repo });
  const code = await runCli(
    ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0', ...flags],
    run.ctx,
  );
  return { code, err: run.err() };
}

describe('serve refuses configurations that weaken it', () => {
  it('refuses --insecure-no-auth when tokens are configured', async () => {
    const secret = 'configured-token-0123456789abcdef';
    const { code, err } = await serve({ GENESYS_TOOLS_BEARER_TOKEN: secret }, [
      '--insecure-no-auth',
    ]);
    expect(code).toBe(1);
    expect(err).toContain('CONFIG_INVALID');
    expect(err).toContain('--insecure-no-auth');
    expect(err).not.toContain(secret);
  });

  it.each([
    ['with white space', 'token with-spaces-0123456789', 'white space'],
    ['shorter than 16 characters', 'short-tok3n', 'shorter than 16'],
  ])(
    'refuses a bearer token %s, naming the entry and the fix but not the token',
    async (_n, bad, why) => {
      const good = 'a-good-token-0123456789abcdef';
      const { code, err } = await serve({ GENESYS_TOOLS_BEARER_TOKEN: `${good},${bad}` });
      expect(code).toBe(1);
      expect(err).toContain('CONFIG_INVALID');
      expect(err).toContain('GENESYS_TOOLS_BEARER_TOKEN (entry 2)');
      expect(err).toContain(why);
      expect(err).not.toContain(bad);
      expect(err).not.toContain(good);
    },
  );

  it('refuses the same in createToolServer', async () => {
    await expect(
      createToolServer({ tools: [tool()], auth: { bearerTokens: [TOKEN], insecureNoAuth: true } }),
    ).rejects.toThrow(ConfigError);
    await expect(
      createToolServer({ tools: [tool()], auth: { bearerTokens: ['short'] } }),
    ).rejects.toThrow(/shorter than 16/);
  });
});

describe('plain-HTTP credential URLs', () => {
  it.each(['GENESYS_TOOLS_EXECUTION_URL', 'GENESYS_CLOUD_LOGIN_URL', 'GENESYS_CLOUD_API_URL'])(
    'refuses http:// in %s on a host other than loopback, naming the override',
    (name) => {
      expect(() => loadEnvConfig({ [name]: 'http://tools.example.com/x' })).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          message: expect.stringContaining('GENESYS_TOOLS_ALLOW_INSECURE_HTTP=true') as unknown,
        }),
      );
    },
  );

  it.each([
    'http://127.0.0.1:8080',
    'http://localhost:3000',
    'http://[::1]:80',
    'https://x.example.com',
  ])('accepts %s', (url) => {
    expect(loadEnvConfig({ GENESYS_TOOLS_EXECUTION_URL: url }).executionUrl).toBe(url);
  });

  it('accepts a remote http:// URL with GENESYS_TOOLS_ALLOW_INSECURE_HTTP=true', () => {
    const env = loadEnvConfig({
      GENESYS_TOOLS_EXECUTION_URL: 'http://tools.internal:8080',
      GENESYS_TOOLS_ALLOW_INSECURE_HTTP: 'true',
    });
    expect(env.allowInsecureHttp).toBe(true);
  });

  it('serve refuses it without --allow-insecure-http', async () => {
    const { code, err } = await serve({
      GENESYS_TOOLS_BEARER_TOKEN: 'a-good-token-0123456789abcdef',
      GENESYS_TOOLS_EXECUTION_URL: 'http://tools.example.com',
    });
    expect(code).toBe(1);
    expect(err).toContain('--allow-insecure-http');
  });
});

describe('redaction of Basic-auth passwords', () => {
  it('scrubs the password alone, and the base64 pair, from every log line', () => {
    const password = 'hunter2-but-longer';
    const lines: string[] = [];
    const run = fakeCliContext({});
    const logger = cliLogger(
      { ...run.ctx, logStream: { write: (line: string) => void lines.push(line) } },
      loadEnvConfig({ GENESYS_TOOLS_BASIC_AUTH: `ops:${password}` }),
    );
    logger.info({ note: `upstream said: password ${password} rejected` }, `retrying ${password}`);
    logger.info({ header: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` }, 'x');
    const text = lines.join('');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(`ops:${password}`).toString('base64'));
  });
});

describe('trace context from callers', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  function headerObserver(): InvocationObserver & { readonly seen: (string | undefined)[] } {
    const seen: (string | undefined)[] = [];
    return {
      seen,
      start: (info) => {
        const parent = info.headers.traceparent;
        seen.push(typeof parent === 'string' ? parent : undefined);
        return { traceId: undefined, end: () => undefined };
      },
      circuitChanged: () => undefined,
    };
  }

  it('is ignored for a refused caller and honoured for an authenticated one', async () => {
    const observer = headerObserver();
    const app = await server({ observer });
    const json = { 'content-type': 'application/json', traceparent };
    await invoke(app, { sku: 'a' }, 'check_inventory', {
      ...json,
      authorization: 'Bearer wrong-token-0123456789',
    });
    await invoke(app, { sku: 'a' }, 'check_inventory', {
      ...json,
      authorization: `Bearer ${TOKEN}`,
    });
    expect(observer.seen).toEqual([undefined, traceparent]);
  });

  it('is honoured for a signed call only once its signature is verified', async () => {
    const secret = `whsec_${Buffer.from('a-signing-key-of-32-bytes-long!!').toString('base64')}`;
    const at = new Date(Date.UTC(2026, 0, 1));
    const observer = headerObserver();
    const app = await server(
      { observer, auth: { signingSecrets: [secret] } },
      { clock: fakeClock(at.getTime()) },
    );
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } });
    const call = (id: string, signed: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/tools/check_inventory',
        headers: {
          'content-type': 'application/json',
          traceparent,
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, at, signed),
        },
        payload: body,
      });
    expect((await call('msg_forged', `${body} `)).statusCode).toBe(401);
    expect((await call('msg_good', body)).statusCode).toBe(200);
    expect(observer.seen).toEqual([undefined, traceparent]);
  });
});
