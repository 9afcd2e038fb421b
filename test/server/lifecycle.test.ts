import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCachedStatusProvider, createToolServer } from '../../src/server/index.js';
import type { ToolServerOptions } from '../../src/server/index.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { TOKEN, server, tool } from './helpers.js';

const auth = { authorization: `Bearer ${TOKEN}` };

/** POSTs one call over a real socket (its own connection); resolves with status, or the error. */
function post(port: number, name = 'check_inventory'): Promise<number | Error> {
  const body = JSON.stringify({ tool_name: name, parameters: { sku: 'a' } });
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/tools/${name}`,
        agent: false,
        headers: {
          ...auth,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', resolve);
    req.end(body);
  });
}

async function listening(options: Partial<ToolServerOptions>, clock?: FakeClock) {
  const app = await createToolServer(
    { tools: [tool()], auth: { bearerTokens: [TOKEN] }, ...options },
    clock === undefined ? {} : { clock },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(async () => {
    await app.close();
  });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (no timer). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setImmediate(r));
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('health and readiness', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    const app = await server();
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect([health.statusCode, health.json(), ready.statusCode, ready.json()]).toEqual([
      200,
      { status: 'ok' },
      200,
      { status: 'ready' },
    ]);
  });
});

describe('graceful shutdown', () => {
  it('finishes calls in flight and refuses new connections while it drains', async () => {
    const started = deferred();
    const release = deferred();
    const { app, port } = await listening({
      tools: [
        tool({
          handler: async () => {
            started.resolve();
            await release.promise;
            return { done: true };
          },
        }),
      ],
    });
    const inFlight = post(port);
    await started.promise;
    const closed = app.close();
    await until(() => !app.server.listening);
    expect(await post(port)).toBeInstanceOf(Error);
    release.resolve();
    expect(await inFlight).toBe(200);
    await closed;
  });

  it('aborts calls still running at the drain deadline and closes', async () => {
    const clock = fakeClock();
    const started = deferred();
    let signal: AbortSignal | undefined;
    const { app, port } = await listening(
      {
        drainTimeoutMs: 5_000,
        tools: [
          tool({
            timeoutMs: 60_000,
            handler: (_p, ctx) => {
              signal = ctx.signal;
              started.resolve();
              return new Promise(() => undefined);
            },
          }),
        ],
      },
      clock,
    );
    const inFlight = post(port);
    await started.promise;
    const closed = app.close();
    // The drain deadline is a sleep on the fake clock, registered by the preClose hook.
    await until(() => clock.pending() > 0);
    expect(signal?.aborted).toBe(false);
    await clock.advance(5_000);
    await closed;
    expect(signal?.aborted).toBe(true);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});

describe('the registry endpoint', () => {
  it('lists each tool with its registration, parameters, circuit and rate limit', async () => {
    const app = await server({
      tools: [tool(), tool({ name: 'second' })],
      remoteStatus: async () => ({
        tools: { check_inventory: { version: 3, status: 'published' } },
        stale: false,
        ageMs: 12_345,
      }),
    });
    const res = await app.inject({ method: 'GET', url: '/api/v1/tools/registry', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      total_tools: 2,
      stale: false,
      age_seconds: 12,
      tools: [
        {
          name: 'check_inventory',
          version: 3,
          status: 'published',
          capabilities: ['sku', 'quantity'],
          circuit: 'closed',
          rateLimit: { requestsPerMinute: 100_000, burstSize: 10_000 },
        },
        {
          name: 'second',
          version: null,
          status: 'unregistered',
          capabilities: ['sku', 'quantity'],
          circuit: 'closed',
          rateLimit: { requestsPerMinute: 100_000, burstSize: 10_000 },
        },
      ],
    });
  });

  it('asks for credentials', async () => {
    const app = await server();
    const res = await app.inject({ method: 'GET', url: '/api/v1/tools/registry' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 'error', error_code: 'UNAUTHORIZED' });
  });

  it('says stale when the status provider fails', async () => {
    const app = await server({ remoteStatus: () => Promise.reject(new Error('org unreachable')) });
    const res = await app.inject({ method: 'GET', url: '/api/v1/tools/registry', headers: auth });
    expect(res.json()).toMatchObject({ stale: true, tools: [{ status: 'unregistered' }] });
  });
});

describe('createCachedStatusProvider', () => {
  it('fetches once per TTL and shares one fetch between concurrent callers', async () => {
    const clock = fakeClock();
    let fetches = 0;
    const provider = createCachedStatusProvider(
      async () => {
        fetches += 1;
        return { a: { version: fetches, status: 'published' } };
      },
      { ttlMs: 60_000 },
      clock,
    );
    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first).toEqual({
      tools: { a: { version: 1, status: 'published' } },
      stale: false,
      ageMs: 0,
    });
    expect(second).toEqual(first);
    await clock.advance(59_999);
    expect((await provider()).tools['a']?.version).toBe(1);
    await clock.advance(1);
    expect((await provider()).tools['a']?.version).toBe(2);
    expect(fetches).toBe(2);
  });

  it('serves the last snapshot with stale: true while the org is unreachable, then recovers', async () => {
    const clock = fakeClock();
    let up = true;
    const provider = createCachedStatusProvider(
      async () => {
        if (!up) throw new Error('unreachable');
        return { a: { version: 1, status: 'published' } };
      },
      { ttlMs: 1000 },
      clock,
    );
    await provider();
    up = false;
    await clock.advance(1000);
    expect(await provider()).toEqual({
      tools: { a: { version: 1, status: 'published' } },
      stale: true,
      ageMs: 1000,
    });
    up = true;
    expect((await provider()).stale).toBe(false);
  });

  it('answers an empty stale snapshot when the first fetch fails', async () => {
    const provider = createCachedStatusProvider(
      () => Promise.reject(new Error('down')),
      { ttlMs: 1000 },
      fakeClock(),
    );
    expect(await provider()).toEqual({ tools: {}, stale: true });
  });
});

describe('options', () => {
  it.each([
    ['an unknown option', { tools: [], auth: { insecureNoAuth: true }, port: 1 }],
    ['a malformed signing secret', { tools: [], auth: { signingSecrets: ['not-a-secret'] } }],
    ['a Basic pair without password', { tools: [], auth: { basicAuth: ['user'] } }],
    ['a body limit of 0', { tools: [], auth: { insecureNoAuth: true }, bodyLimitBytes: 0 }],
    ['two tools with one name', { tools: [tool(), tool()], auth: { insecureNoAuth: true } }],
    [
      'a tool without a handler',
      { tools: [{ ...tool(), handler: undefined }], auth: { insecureNoAuth: true } },
    ],
  ])('refuses %s with CONFIG_INVALID', async (_name, options) => {
    await expect(createToolServer(options as ToolServerOptions)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });

  it('never echoes a secret in an option error', async () => {
    const error: unknown = await createToolServer({
      tools: [],
      auth: { signingSecrets: ['SENTINEL-secret-value'] },
    }).catch((e: unknown) => e);
    expect(JSON.stringify(error) + String(error)).not.toContain('SENTINEL');
  });
});
