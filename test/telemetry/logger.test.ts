import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createLogger, redactFields } from '../../src/telemetry/logger.js';

const SECRET = 's3cr3t-Cl1ent-Secret"\\value';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.sentinel-token';
const PII_EMAIL = 'jane.doe@example.com';

function capture(): { lines: () => string[]; destination: Writable } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
    destination,
  };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time, message and child bindings', () => {
    const out = capture();
    const logger = createLogger({ level: 'debug', destination: out.destination });
    logger
      .child({ invocationId: 'inv-1', traceId: 'abc', tool: 'check_inventory' })
      .debug({ status: 200 }, 'handled');
    const line = JSON.parse(out.lines()[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'debug',
      msg: 'handled',
      invocationId: 'inv-1',
      traceId: 'abc',
      tool: 'check_inventory',
      status: 200,
    });
    expect(typeof line.time).toBe('string');
  });

  it('drops lines below the level', () => {
    const out = capture();
    createLogger({ level: 'warn', destination: out.destination }).info({}, 'quiet');
    expect(out.lines()).toEqual([]);
  });

  it('never writes planted secrets or PII, whatever field or message carries them', () => {
    const out = capture();
    const logger = createLogger({
      level: 'trace',
      destination: out.destination,
      secrets: [SECRET, TOKEN],
      redactParameters: ['email'],
    });
    logger.info({
      headers: {
        authorization: `Bearer ${TOKEN}`,
        cookie: 'session=abc123',
        'webhook-signature': 'v1,sig',
        'x-api-key': 'key-123456',
      },
      body: { client_secret: SECRET, grant_type: 'client_credentials' },
      parameters: { email: PII_EMAIL, nested: [{ Email: PII_EMAIL }] },
      response: { access_token: TOKEN, password: 'hunter22' },
    });
    logger.warn({ note: `the secret is ${SECRET}` }, `token ${TOKEN} expired`);
    logger.child({ token: TOKEN }).info({}, 'child');
    logger.error({ err: new Error(`login failed for ${SECRET}`) }, 'failure');
    const text = out.lines().join('\n');
    for (const planted of [
      TOKEN,
      'session=abc123',
      'v1,sig',
      'key-123456',
      'hunter22',
      PII_EMAIL,
      's3cr3t-Cl1ent',
    ]) {
      expect(text).not.toContain(planted);
    }
    expect(text).toContain('client_credentials');
    expect(text).toContain('[REDACTED]');
    expect(out.lines()).toHaveLength(4);
    const failure = JSON.parse(out.lines()[3]!) as { err: { message: string; stack: string } };
    expect(failure.err.message).toBe('login failed for [REDACTED]');
  });

  it('redacts secret and PII keys of flat lines too, after plain lines used the same logger', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, redactParameters: ['Email'] });
    for (let i = 0; i < 3; i++) {
      logger.info({ invocationId: 'i-1', tool: 't', durationMs: 1 }, 'invocation');
      logger.info({ invocationId: 'i-2', email: 'pii@example.com', password: 'hunter22' }, 'x');
    }
    const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ invocationId: 'i-1', tool: 't', durationMs: 1 });
    for (const line of lines.filter((l) => l['invocationId'] === 'i-2')) {
      expect(line).toMatchObject({ email: '[REDACTED]', password: '[REDACTED]' });
    }
  });

  it('rejects unknown options with CONFIG_INVALID', () => {
    const options = { level: 'info' as const, pretty: true };
    expect(() => createLogger(options)).toThrow(ConfigError);
  });
});

describe('redactFields', () => {
  it.each([
    [{ Authorization: 'x' }, { Authorization: '[REDACTED]' }],
    [{ a: { b: { clientSecret: 'x' } } }, { a: { b: { clientSecret: '[REDACTED]' } } }],
    [{ list: [{ refresh_token: 'x' }] }, { list: [{ refresh_token: '[REDACTED]' }] }],
    [
      { phone: '+1555', ok: 1 },
      { phone: '[REDACTED]', ok: 1 },
    ],
    [{ plain: 'kept' }, { plain: 'kept' }],
  ])('redacts %j as %j', (input, expected) => {
    expect(redactFields(input, new Set(['phone']))).toEqual(expected);
  });
});
