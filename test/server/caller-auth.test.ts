import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  createReplayCache,
  matchesAnyDigest,
  parseAuthorization,
  verifySignature,
  signingKey,
} from '../../src/server/caller-auth.js';
import { fakeClock } from '../support/fake-clock.js';
import { TOKEN, TOKEN_2, invoke, memoryAudit, recordingLogger, server, wire } from './helpers.js';

const SECRET = `whsec_${Buffer.from('a-signing-key-of-32-bytes-long!!').toString('base64')}`;
const SECRET_2 = `whsec_${Buffer.from('the-next-signing-key-32-bytes-!!').toString('base64')}`;
const digest = (s: string) => createHash('sha256').update(s).digest();

function signed(
  secret: string,
  opts: { id?: string; at: Date; body: string; tamper?: (body: string) => string },
) {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const signature = new Webhook(secret).sign(id, opts.at, opts.body);
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(opts.at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    payload: opts.tamper === undefined ? opts.body : opts.tamper(opts.body),
  };
}

const envelope = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'A-1' } });
const url = '/api/v1/tools/check_inventory';

describe('pure authentication checks', () => {
  it.each([
    ['the first accepted value', 'one', true],
    ['the second accepted value', 'two', true],
    ['a wrong value', 'three', false],
    ['a prefix of an accepted value', 'on', false],
    ['an accepted value with a suffix', 'one1', false],
    ['the empty string', '', false],
  ])('matchesAnyDigest recognises %s', (_name, candidate, expected) => {
    expect(matchesAnyDigest(candidate, [digest('one'), digest('two')])).toBe(expected);
  });

  it.each([
    ['Bearer abc', { scheme: 'bearer', credentials: 'abc' }],
    ['bearer   abc', { scheme: 'bearer', credentials: 'abc' }],
    ['Basic dXNlcjpwdw==', { scheme: 'basic', credentials: 'dXNlcjpwdw==' }],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['', undefined],
  ])('parseAuthorization reads %j', (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });

  const at = new Date(Date.UTC(2026, 0, 1, 12));
  const base = signed(SECRET, { id: 'msg_1', at, body: 'hello' });
  const headers = {
    id: base.headers['webhook-id'],
    timestamp: base.headers['webhook-timestamp'],
    signature: base.headers['webhook-signature'],
  };
  it.each([
    ['a valid signature', headers, 'hello', 0, 'ok'],
    ['a tampered body', headers, 'hellO', 0, 'bad-signature'],
    ['a tampered id', { ...headers, id: 'msg_2' }, 'hello', 0, 'bad-signature'],
    ['a timestamp 301 s old', headers, 'hello', 301_000, 'stale-signature'],
    ['a timestamp 299 s old', headers, 'hello', 299_000, 'ok'],
    ['a timestamp 301 s in the future', headers, 'hello', -301_000, 'stale-signature'],
    [
      'a non-numeric timestamp',
      { ...headers, timestamp: 'soon' },
      'hello',
      0,
      'malformed-signature',
    ],
    ['no v1 signature', { ...headers, signature: 'v2,abc' }, 'hello', 0, 'malformed-signature'],
    [
      'a valid signature among several',
      { ...headers, signature: `v1,Zm9v ${headers.signature}` },
      'hello',
      0,
      'ok',
    ],
  ])('verifySignature judges %s', (_name, h, body, skewMs, expected) => {
    const verdict = verifySignature(
      [signingKey(SECRET)],
      { headers: h, body },
      { nowMs: at.getTime() + skewMs, toleranceSeconds: 300 },
    );
    expect(verdict).toBe(expected);
  });

  it('the replay cache refuses a seen id until it expires', () => {
    const cache = createReplayCache(10, 1000);
    expect(cache.remember('a', 0)).toBe(true);
    expect(cache.remember('a', 999)).toBe(false);
    expect(cache.remember('a', 1000)).toBe(true);
  });

  it('the replay cache stays within its size, forgetting the oldest id first', () => {
    const cache = createReplayCache(3, 60_000);
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(id, 0);
    expect(cache.size).toBe(3);
    expect(cache.remember('d', 1)).toBe(false);
    expect(cache.remember('a', 1)).toBe(true);
  });
});

describe('caller authentication on the invocation route', () => {
  it('accepts both tokens during a rotation and refuses any other', async () => {
    const app = await server({ auth: { bearerTokens: [TOKEN, TOKEN_2] } });
    for (const token of [TOKEN, TOKEN_2]) {
      const res = await invoke(app, { sku: 'a' }, 'check_inventory', {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      });
      expect(res.statusCode).toBe(200);
    }
    const wrong = await invoke(app, { sku: 'a' }, 'check_inventory', {
      authorization: 'Bearer not-the-token',
      'content-type': 'application/json',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wire(wrong).error_code).toBe('UNAUTHORIZED');
  });

  it.each([
    ['no credentials', {}],
    ['an unknown scheme', { authorization: `Token ${TOKEN}` }],
    ['Basic when only bearer tokens are configured', { authorization: 'Basic dXNlcjpwdw==' }],
  ])('refuses %s with 401', async (_name, headers: Record<string, string>) => {
    const app = await server();
    const res = await invoke(app, { sku: 'a' }, 'check_inventory', {
      ...headers,
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(401);
    expect(wire(res)).toMatchObject({ status: 'error', output: null, error_code: 'UNAUTHORIZED' });
  });

  it('refuses an unauthenticated call before it learns whether the tool exists', async () => {
    const app = await server();
    const res = await invoke(app, { sku: 'a' }, 'no_such_tool', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(401);
  });

  it('accepts Basic auth with any configured user:password pair', async () => {
    const app = await server({ auth: { basicAuth: ['genesys:s3cret-pw', 'next:other-pw'] } });
    const basic = (pair: string) => ({
      authorization: `Basic ${Buffer.from(pair).toString('base64')}`,
      'content-type': 'application/json',
    });
    expect(
      (await invoke(app, { sku: 'a' }, 'check_inventory', basic('genesys:s3cret-pw'))).statusCode,
    ).toBe(200);
    expect(
      (await invoke(app, { sku: 'a' }, 'check_inventory', basic('next:other-pw'))).statusCode,
    ).toBe(200);
    expect(
      (await invoke(app, { sku: 'a' }, 'check_inventory', basic('genesys:wrong'))).statusCode,
    ).toBe(401);
  });

  it('accepts a token sent in the configured API-key header', async () => {
    const app = await server({ auth: { bearerTokens: [TOKEN], apiKeyHeader: 'X-Api-Key' } });
    const ok = await invoke(app, { sku: 'a' }, 'check_inventory', {
      'x-api-key': TOKEN,
      'content-type': 'application/json',
    });
    const bad = await invoke(app, { sku: 'a' }, 'check_inventory', {
      'x-api-key': 'nope',
      'content-type': 'application/json',
    });
    expect([ok.statusCode, bad.statusCode]).toEqual([200, 401]);
  });

  it('serves without credentials only when insecureNoAuth is set', async () => {
    const app = await server({ auth: { insecureNoAuth: true } });
    const res = await invoke(app, { sku: 'a' }, 'check_inventory', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses to start without any authentication configured', async () => {
    await expect(server({ auth: {} })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('Standard Webhooks signatures (interoperability with the standardwebhooks package)', () => {
  const at = new Date(Date.UTC(2026, 0, 1, 12));
  const signingServer = () =>
    server({ auth: { signingSecrets: [SECRET, SECRET_2] } }, { clock: fakeClock(at.getTime()) });

  it('accepts calls signed by the package with either active secret', async () => {
    const app = await signingServer();
    for (const secret of [SECRET, SECRET_2]) {
      const res = await app.inject({
        method: 'POST',
        url,
        ...signed(secret, { at, body: envelope }),
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('refuses a tampered body', async () => {
    const app = await signingServer();
    const req = signed(SECRET, { at, body: envelope, tamper: (b) => b.replace('A-1', 'A-2') });
    const res = await app.inject({ method: 'POST', url, ...req });
    expect(res.statusCode).toBe(401);
    expect(wire(res).error_code).toBe('UNAUTHORIZED');
  });

  it('refuses a timestamp older than the tolerance', async () => {
    const app = await signingServer();
    const old = new Date(at.getTime() - 6 * 60_000);
    const res = await app.inject({
      method: 'POST',
      url,
      ...signed(SECRET, { at: old, body: envelope }),
    });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a replayed message id', async () => {
    const app = await signingServer();
    const req = signed(SECRET, { id: 'msg_replay', at, body: envelope });
    const first = await app.inject({ method: 'POST', url, ...req });
    const again = await app.inject({ method: 'POST', url, ...req });
    expect([first.statusCode, again.statusCode]).toEqual([200, 401]);
  });

  it('refuses a signature made with a secret that is not configured', async () => {
    const app = await signingServer();
    const other = `whsec_${Buffer.from('some-other-key-that-is-32-bytes!').toString('base64')}`;
    const res = await app.inject({ method: 'POST', url, ...signed(other, { at, body: envelope }) });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a call with only some of the signature headers', async () => {
    const app = await signingServer();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_x' },
      payload: envelope,
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('secrets', () => {
  it('never reach a reply, a log line or an audit entry', async () => {
    const logger = recordingLogger();
    const audit = memoryAudit();
    const sentinel = 'SENTINEL-TOKEN-abcdef123456';
    const app = await server(
      { auth: { bearerTokens: [sentinel], basicAuth: ['user:SENTINEL-PW-98765'] }, audit },
      { logger },
    );
    const replies = [
      await invoke(app, { sku: 'a' }, 'check_inventory', { authorization: `Bearer ${sentinel}x` }),
      await invoke(app, { sku: 'a' }, 'check_inventory', { authorization: `Bearer ${sentinel}` }),
      await invoke(app, { sku: 1 }, 'check_inventory', { authorization: `Bearer ${sentinel}` }),
      await invoke(app, { sku: 'a' }, 'check_inventory', {
        authorization: `Basic ${Buffer.from('user:SENTINEL-PW-wrong').toString('base64')}`,
      }),
    ];
    const everything = [
      ...replies.map((r) => r.body + JSON.stringify(r.headers)),
      ...logger.lines.map((l) => JSON.stringify(l)),
      ...audit.entries.map((e) => JSON.stringify(e)),
    ].join('\n');
    expect(everything).not.toContain('SENTINEL');
    expect(audit.entries).toHaveLength(4);
  });
});
