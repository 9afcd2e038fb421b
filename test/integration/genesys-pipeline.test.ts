import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  GenesysAuthError,
  GenesysForbiddenError,
  GenesysNotFoundError,
  GenesysRateLimitError,
  GenesysUnavailableError,
} from '../../src/errors.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { ClientEvent, GenesysClientOptions } from '../../src/genesys/index.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { captureLogger } from '../genesys/support/capture-logger.js';
import { countingFetch, drive } from '../genesys/support/drive.js';
import { TOKEN_ANSWER, startScriptServer } from '../genesys/support/script-server.js';
import type { Handler, ScriptServer } from '../genesys/support/script-server.js';

const SECRET = 'planted-secret-7f3a9c';
const OK_LISTING = {
  status: 200,
  body: { entities: [], pageNumber: 1, pageSize: 25, total: 0, pageCount: 0 },
};

interface Setup {
  readonly server: ScriptServer;
  readonly clock: FakeClock;
  readonly events: ClientEvent[];
  readonly lines: string[];
  readonly client: ReturnType<typeof createGenesysClient>;
  /** Runs `work` to completion, advancing the fake clock while it sleeps. */
  run<T>(work: Promise<T>): Promise<T>;
}

async function setup(
  api: Handler,
  options: Partial<GenesysClientOptions> = {},
  token?: Handler,
): Promise<Setup> {
  const server = await startScriptServer(api, token);
  const clock = fakeClock();
  const events: ClientEvent[] = [];
  const { logger, lines } = captureLogger();
  const counting = countingFetch();
  const client = createGenesysClient(
    {
      apiUrl: server.url,
      clientId: 'client-1',
      clientSecret: SECRET,
      requestTimeoutMs: 600_000,
      onEvent: (e) => events.push(e),
      ...options,
    },
    { clock, logger, fetch: counting.fetch, random: () => 0.5 },
  );
  return {
    server,
    clock,
    events,
    lines,
    client,
    run: (work) => drive(work, clock, { inFlight: counting.inFlight }),
  };
}

const list = (s: Setup) => s.run(s.client.dataActions.list().collect());

describe('token handling', () => {
  it('asks for a token once and reuses it across calls', async () => {
    const s = await setup(() => OK_LISTING);
    await list(s);
    await list(s);
    expect(s.server.tokenCalls()).toHaveLength(1);
    expect(s.server.apiCalls().map((c) => c.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  it('sends Basic auth and a client-credentials form to /oauth/token', async () => {
    const s = await setup(() => OK_LISTING);
    await list(s);
    const call = s.server.tokenCalls()[0]!;
    expect(call.method).toBe('POST');
    expect(call.headers.authorization).toBe(
      `Basic ${Buffer.from(`client-1:${SECRET}`).toString('base64')}`,
    );
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call.body).toBe('grant_type=client_credentials');
  });

  it('renews the token a margin before it expires, not at the last second', async () => {
    const s = await setup(
      () => OK_LISTING,
      { tokenRenewMarginMs: 60_000 },
      (_, n) => TOKEN_ANSWER(n, 300),
    );
    await list(s);
    await s.clock.advance(239_000);
    await list(s);
    expect(s.server.tokenCalls()).toHaveLength(1);
    await s.clock.advance(2_000);
    await list(s);
    expect(s.server.tokenCalls()).toHaveLength(2);
    expect(s.server.apiCalls().at(-1)?.headers.authorization).toBe('Bearer token-2');
    expect(s.events.filter((e) => e.type === 'token')).toMatchObject([
      { outcome: 'renewed' },
      { outcome: 'renewed' },
    ]);
  });

  it('shares one token request among concurrent callers', async () => {
    const s = await setup(() => OK_LISTING);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => s.client.tokenProvider.getToken()),
    );
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(s.server.tokenCalls()).toHaveLength(1);
  });

  it('drops the token after a 401 and retries the call once with a new one', async () => {
    const s = await setup((_, n) =>
      n === 0 ? { status: 401, body: { code: 'credentials.expired' } } : OK_LISTING,
    );
    await list(s);
    expect(s.server.apiCalls().map((c) => c.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('gives up with GENESYS_AUTH_FAILED when the new token is refused too', async () => {
    const s = await setup(() => ({
      status: 401,
      body: { code: 'bad.credentials', message: 'no' },
    }));
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(s.server.apiCalls()).toHaveLength(2);
  });

  it('retries when the login host answers 503, then calls the API with the token', async () => {
    const s = await setup(
      () => OK_LISTING,
      {},
      (_, n) => (n === 0 ? { status: 503, body: {} } : TOKEN_ANSWER(n)),
    );
    await list(s);
    expect(s.server.tokenCalls()).toHaveLength(2);
    expect(s.server.apiCalls().map((c) => c.headers.authorization)).toEqual(['Bearer token-2']);
    expect(
      s.events.filter((e) => e.type === 'token').map((e) => e.type === 'token' && e.outcome),
    ).toEqual(['failed', 'renewed']);
  });

  it('repeats a POST whose token request failed, since the POST never left', async () => {
    const s = await setup(
      () => ({ status: 200, body: { id: 'i-1', name: 'Tools' } }),
      {},
      (_, n) =>
        n === 0 ? { status: 429, body: {}, headers: { 'retry-after': '2' } } : TOKEN_ANSWER(n),
    );
    await s.run(s.client.integrations.create({ name: 'Tools' }));
    expect(s.server.apiCalls()).toHaveLength(1);
    expect(s.events.find((e) => e.type === 'retry')).toMatchObject({
      delayMs: 2_000,
      reason: 'unsent',
    });
  });

  it('turns invalid_client into an auth error that names the id, the secret and the region', async () => {
    const s = await setup(
      () => OK_LISTING,
      {},
      () => ({
        status: 401,
        body: {
          error: 'invalid_client',
          description: 'authentication failed',
          error_description: 'authentication failed',
        },
      }),
    );
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysAuthError);
    expect(error).toMatchObject({ code: 'GENESYS_AUTH_FAILED', genesysCode: 'invalid_client' });
    expect((error as Error).message).toMatch(/GENESYS_CLOUD_REGION.*one region/);
    expect(s.server.apiCalls()).toHaveLength(0);
    expect(s.server.tokenCalls()).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries a 429 after Retry-After and then succeeds', async () => {
    const s = await setup((_, n) =>
      n < 2
        ? {
            status: 429,
            body: { code: 'too.many.requests.retry.after' },
            headers: { 'retry-after': '1' },
          }
        : OK_LISTING,
    );
    const started = s.clock.nowMs();
    await list(s);
    expect(s.server.apiCalls()).toHaveLength(3);
    expect(s.events.filter((e) => e.type === 'rate-limited')).toEqual([
      {
        type: 'rate-limited',
        method: 'GET',
        route: '/api/v2/integrations/actions',
        retryAfterMs: 1_000,
      },
      {
        type: 'rate-limited',
        method: 'GET',
        route: '/api/v2/integrations/actions',
        retryAfterMs: 1_000,
      },
    ]);
    expect(
      s.events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.delayMs),
    ).toEqual([1_000, 1_000]);
    expect(s.clock.nowMs() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('falls back to inin-ratelimit-reset when there is no Retry-After', async () => {
    const s = await setup((_, n) =>
      n === 0 ? { status: 429, body: {}, headers: { 'inin-ratelimit-reset': '3' } } : OK_LISTING,
    );
    await list(s);
    expect(s.events.find((e) => e.type === 'retry')).toMatchObject({
      delayMs: 3_000,
      reason: 'status 429',
    });
  });

  it('retries a 5xx after the backoff, not after the inin-ratelimit-reset every answer carries', async () => {
    // Genesys sends inin-ratelimit-reset (seconds to the rate-limit window's reset, up to 60) on
    // every answer; read as the wait of a 500, one fault stalled apply for a minute.
    const s = await setup((_, n) =>
      n < 2
        ? { status: 500, body: {}, headers: { 'inin-ratelimit-reset': '60' } }
        : { ...OK_LISTING, headers: { 'inin-ratelimit-reset': '60' } },
    );
    const started = s.clock.nowMs();
    await list(s);
    expect(s.server.apiCalls()).toHaveLength(3);
    // baseMs 500 doubled, equal jitter at random 0.5: 375 then 750.
    expect(
      s.events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.delayMs),
    ).toEqual([375, 750]);
    expect(s.clock.nowMs() - started).toBeLessThan(2_000);
  });

  it('caps a Retry-After longer than retryAfterCapMs', async () => {
    const s = await setup(
      (_, n) =>
        n === 0 ? { status: 503, body: {}, headers: { 'retry-after': '3600' } } : OK_LISTING,
      { retryAfterCapMs: 5_000 },
    );
    await list(s);
    expect(s.events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 5_000 });
  });

  it('stops after maxAttempts and reports GENESYS_UNAVAILABLE', async () => {
    const s = await setup(() => ({ status: 503, body: { code: 'service.unavailable' } }), {
      maxAttempts: 4,
    });
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysUnavailableError);
    expect(error).toMatchObject({
      status: 503,
      genesysCode: 'service.unavailable',
      correlationId: 'corr-5',
    });
    expect(s.server.apiCalls()).toHaveLength(4);
  });

  it('reports GENESYS_RATE_LIMITED with the last Retry-After once retries are exhausted', async () => {
    const s = await setup(() => ({ status: 429, body: {}, headers: { 'retry-after': '2' } }), {
      maxAttempts: 2,
    });
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysRateLimitError);
    expect(error).toMatchObject({ code: 'GENESYS_RATE_LIMITED', retryAfterMs: 2_000 });
  });

  it('stops before the total deadline instead of sleeping past it', async () => {
    const s = await setup(() => ({ status: 503, body: {}, headers: { 'retry-after': '10' } }), {
      maxAttempts: 20,
      deadlineMs: 25_000,
    });
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysUnavailableError);
    expect(s.server.apiCalls()).toHaveLength(3);
  });

  it('keeps computed backoff within its cap', async () => {
    const s = await setup(() => ({ status: 502, body: {} }), {
      maxAttempts: 8,
      backoff: { baseMs: 1_000, maxMs: 4_000 },
    });
    await list(s).catch(() => undefined);
    const delays = s.events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    expect(delays).toEqual([750, 1_500, 3_000, 3_000, 3_000, 3_000, 3_000]);
  });

  it('does not repeat a failed POST unless the caller marks it idempotent', async () => {
    const s = await setup(() => ({ status: 503, body: {} }));
    const create = (idempotent: boolean) =>
      s.run(s.client.integrations.create({ name: 'Tools' }, { idempotent }));
    await create(false).catch(() => undefined);
    expect(s.server.apiCalls()).toHaveLength(1);
    await create(true).catch(() => undefined);
    expect(s.server.apiCalls()).toHaveLength(6);
  });

  it('repeats a POST refused with 429, which Genesys answers before doing anything', async () => {
    const s = await setup((_, n) =>
      n === 0
        ? { status: 429, body: {}, headers: { 'retry-after': '1' } }
        : { status: 200, body: { id: 'i-1', name: 'Tools' } },
    );
    await expect(s.run(s.client.integrations.create({ name: 'Tools' }))).resolves.toMatchObject({
      id: 'i-1',
    });
    expect(s.server.apiCalls()).toHaveLength(2);
  });

  it('retries a dropped connection on a GET', async () => {
    const s = await setup((_, n) => (n === 0 ? { drop: true } : OK_LISTING));
    await list(s);
    expect(s.server.apiCalls()).toHaveLength(2);
    expect(s.events.find((e) => e.type === 'request')).toMatchObject({ status: 0, attempt: 1 });
  });

  it('times out an attempt that never gets an answer', async () => {
    const server = await startScriptServer(() => ({ hang: true }));
    const clock = fakeClock();
    const client = createGenesysClient(
      {
        apiUrl: server.url,
        clientId: 'c',
        clientSecret: SECRET,
        requestTimeoutMs: 1_000,
        maxAttempts: 2,
      },
      { clock, random: () => 0.5 },
    );
    const error = await drive(client.integrations.get('x'), clock, { stepMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GenesysUnavailableError);
    expect(error).toMatchObject({ status: 0, details: { reason: 'timeout' } });
    expect(server.apiCalls()).toHaveLength(2);
  });

  it('stops at once when the caller aborts during a retry wait', async () => {
    const s = await setup(() => ({ status: 503, body: {}, headers: { 'retry-after': '30' } }));
    const controller = new AbortController();
    const work = s.client.dataActions.get('a-1', { signal: controller.signal });
    const outcome = work.catch((e: unknown) => e);
    while (s.server.apiCalls().length === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('user stopped'));
    expect(await outcome).toMatchObject({ message: 'user stopped' });
    expect(s.server.apiCalls()).toHaveLength(1);
  });

  it('does not retry a 404 and names the call in the error', async () => {
    const s = await setup(() => ({
      status: 404,
      body: { code: 'not.found', message: 'no such action', contextId: 'ctx' },
    }));
    const error = await s.run(s.client.dataActions.get('a-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysNotFoundError);
    expect(error).toMatchObject({
      method: 'GET',
      path: '/api/v2/integrations/actions/a-1',
      contextId: 'ctx',
    });
    expect(s.server.apiCalls()).toHaveLength(1);
  });

  it('emits one request event per attempt with the route template, never the id', async () => {
    const s = await setup((_, n) =>
      n === 0 ? { status: 500, body: {} } : { status: 200, body: { id: 'a-1', name: 'x' } },
    );
    await s.run(s.client.dataActions.get('a-1'));
    const requests = s.events.filter((e) => e.type === 'request');
    expect(requests).toMatchObject([
      {
        method: 'GET',
        route: '/api/v2/integrations/actions/{id}',
        status: 500,
        attempt: 1,
        correlationId: 'corr-2',
      },
      { method: 'GET', route: '/api/v2/integrations/actions/{id}', status: 200, attempt: 2 },
    ]);
  });
});

describe('paging over HTTP', () => {
  it('stops a server that keeps announcing pages with GENESYS_PAGING_RUNAWAY', async () => {
    const s = await setup(
      (call) => {
        const page = Number(new URL(call.url, 'http://x').searchParams.get('pageNumber'));
        return {
          status: 200,
          body: {
            entities: [{ id: `a-${page}`, name: 'same' }],
            pageNumber: 1,
            pageCount: 1_000_000,
            nextUri: '/api/v2/integrations/actions?pageNumber=2',
          },
        };
      },
      { maxPages: 20 },
    );
    const error = await list(s).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GENESYS_PAGING_RUNAWAY' });
    expect(s.server.apiCalls()).toHaveLength(20);
  });
});

describe('secrets', () => {
  it('never shows the client secret or a token in logs, errors or inspect output', async () => {
    const s = await setup((call, n) =>
      n === 0
        ? {
            status: 403,
            body: { code: 'missing.any.permissions', message: 'missing integrations:action:add' },
          }
        : { status: 200, body: { id: 'c-1', name: 'cred', echo: call.headers.authorization } },
    );
    const forbidden = await s
      .run(
        s.client.dataActions.create({
          name: 'n',
          category: 'c',
          integrationId: 'i',
          contract: { input: { inputSchema: {} }, output: { successSchema: {} } },
        }),
      )
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(GenesysForbiddenError);
    await s.run(
      s.client.credentials.create({
        name: 'cred',
        type: { name: 'userDefined' },
        credentialFields: { token: 'tool-token-secret' },
      }),
    );
    const everything = [
      ...s.lines,
      JSON.stringify(forbidden),
      String(forbidden),
      inspect(forbidden, { depth: 10 }),
      inspect(s.client, { depth: 10 }),
      inspect(s.client.tokenProvider, { depth: 10 }),
      JSON.stringify(s.client),
      JSON.stringify(s.events),
    ].join('\n');
    expect(s.lines.some((l) => l.includes('"level":"debug"'))).toBe(true);
    expect(s.lines.some((l) => l.includes('"level":"trace"'))).toBe(true);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('token-1');
    expect(everything).not.toContain(Buffer.from(`client-1:${SECRET}`).toString('base64'));
    expect(everything).not.toContain('tool-token-secret');
  });

  it('cuts a secret or token a server echoes out of the error message', async () => {
    const s = await setup((call) => ({
      status: 400,
      body: {
        code: 'bad.request',
        message: `refused ${call.headers.authorization ?? ''} ${SECRET}`,
      },
    }));
    const error = await s.run(s.client.integrations.get('i-1')).catch((e: unknown) => e);
    expect((error as Error).message).toContain('[REDACTED]');
    expect((error as Error).message).not.toContain('token-1');
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('never shows the secret in a configuration error', () => {
    let caught: unknown;
    try {
      createGenesysClient({ apiUrl: 'http://127.0.0.1:1', clientSecret: SECRET, maxAttempts: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(JSON.stringify(caught) + String(caught)).not.toContain(SECRET);
  });
});
