import { describe, expect, it, onTestFinished } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createEmulator } from '../../src/emulator/index.js';
import { matchesPattern, seededRandom } from '../../src/emulator/faults.js';
import { fakeClock } from '../support/fake-clock.js';
import { startEmulator } from '../support/emulator.js';
import { basic, tokenFor } from './helpers.js';

async function statuses(options: EmulatorOptions, n: number): Promise<number[]> {
  const emulator = await createEmulator(options);
  onTestFinished(() => emulator.close());
  const token = await tokenFor(emulator);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/integrations',
      headers: { authorization: `Bearer ${token}` },
    });
    out.push(res.statusCode);
  }
  return out;
}

describe('fault helpers', () => {
  it.each([
    ['*', '/api/v2/integrations', true],
    ['/api/v2/integrations/actions*', '/api/v2/integrations/actions/abc/execute', true],
    ['/api/v2/integrations/actions*', '/api/v2/integrations', false],
    ['/api/v2/*/execute', '/api/v2/integrations/actions/x/execute', true],
    ['/oauth/token', '/oauth/token', true],
    ['/api/v2/a.b', '/api/v2/aXb', false],
  ])('matchesPattern(%s, %s) is %s', (pattern, path, expected) => {
    expect(matchesPattern(pattern, path)).toBe(expected);
  });

  it('gives the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seq = (r: () => number) => Array.from({ length: 5 }, r);
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('fault injection', () => {
  const halfErrors = { rules: [{ path: '/api/v2/*', errorRate: 0.5, errorStatus: 503 as const }] };

  it('is reproducible: the same seed gives the same statuses', async () => {
    const a = await statuses({ seed: 7, faults: halfErrors }, 20);
    const b = await statuses({ seed: 7, faults: halfErrors }, 20);
    expect(a).toEqual(b);
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it('answers scripted 429s with Retry-After, then lets requests through', async () => {
    const emulator = await createEmulator({
      faults: {
        rules: [
          {
            path: '/api/v2/integrations',
            method: 'GET',
            errorRate: 1,
            errorStatus: 429,
            retryAfterSeconds: 1,
            times: 2,
          },
        ],
      },
    });
    onTestFinished(() => emulator.close());
    const token = await tokenFor(emulator);
    const get = () =>
      emulator.app.inject({
        method: 'GET',
        url: '/api/v2/integrations',
        headers: { authorization: `Bearer ${token}` },
      });
    const first = await get();
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    expect(first.json()).toMatchObject({ code: 'too.many.requests.retry.after', status: 429 });
    expect((await get()).statusCode).toBe(429);
    expect((await get()).statusCode).toBe(200);
  });

  it('applies a rule only to its route pattern and method', async () => {
    const emulator = await createEmulator({
      faults: {
        rules: [{ path: '/api/v2/integrations/actions*', errorRate: 1, errorStatus: 500 }],
      },
    });
    onTestFinished(() => emulator.close());
    const token = await tokenFor(emulator);
    const get = (url: string) =>
      emulator.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/v2/integrations')).statusCode).toBe(200);
    const failed = await get('/api/v2/integrations/actions');
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toMatchObject({ code: 'internal.server.error' });
  });

  it('adds latency on the injected clock', async () => {
    const clock = fakeClock();
    const emulator = await createEmulator(
      { faults: { rules: [{ path: '/api/v2/*', latencyMs: 2_000 }] } },
      { clock },
    );
    onTestFinished(() => emulator.close());
    const token = await tokenFor(emulator);
    let done = false;
    const pending = emulator.app
      .inject({
        method: 'GET',
        url: '/api/v2/integrations',
        headers: { authorization: `Bearer ${token}` },
      })
      .then((res) => {
        done = true;
        return res;
      });
    while (clock.pending() === 0) await new Promise((r) => setImmediate(r));
    await clock.advance(1_999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect((await pending).statusCode).toBe(200);
  });

  it('drops the connection without an answer on a real socket', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFaults({ rules: [{ path: '/oauth/token', dropRate: 1 }] });
    const attempt = fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic('emulator-client', 'emulator-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    await expect(attempt).rejects.toThrow();
    expect(emulator.calls.at(-1)).toMatchObject({ path: '/oauth/token', status: 0 });
  });

  it('takes settings through the admin endpoint and refuses bad ones with 400', async () => {
    const emulator = await createEmulator();
    onTestFinished(() => emulator.close());
    const post = (payload: unknown) =>
      emulator.app.inject({
        method: 'POST',
        url: '/__emulator/faults',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    expect(
      (await post({ rules: [{ path: '/oauth/token', errorRate: 1, errorStatus: 503 }] }))
        .statusCode,
    ).toBe(204);
    const token = await emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: basic('emulator-client', 'emulator-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    });
    expect(token.statusCode).toBe(503);
    const bad = await post({ rules: [{ errorRate: 2 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'bad.request' });
  });

  it('refuses bad settings given to setFaults with CONFIG_INVALID', async () => {
    const emulator = await createEmulator();
    onTestFinished(() => emulator.close());
    expect(() => {
      emulator.setFaults({ rules: [{ dropRate: -1 }] });
    }).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
  });
});
