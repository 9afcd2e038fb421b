import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { decideRate } from '../../src/emulator/rate-limit.js';
import { fakeClock } from '../support/fake-clock.js';
import { tokenFor } from './helpers.js';

describe('decideRate', () => {
  it.each([
    ['the first request opens a window', undefined, 0, 3, true, { count: '1', reset: '60' }],
    [
      'a request inside the window counts',
      { startMs: 0, count: 1 },
      30_000,
      3,
      true,
      { count: '2', reset: '30' },
    ],
    [
      'the request past the limit is refused',
      { startMs: 0, count: 3 },
      59_500,
      3,
      false,
      { count: '3', reset: '1' },
    ],
    [
      'a request after the window opens a new one',
      { startMs: 0, count: 3 },
      60_000,
      3,
      true,
      { count: '1', reset: '60' },
    ],
  ])('%s', (_case, previous, nowMs, limit, allowed, headers) => {
    const decision = decideRate(previous, nowMs, limit);
    expect(decision.allowed).toBe(allowed);
    expect(decision.headers['inin-ratelimit-count']).toBe(headers.count);
    expect(decision.headers['inin-ratelimit-reset']).toBe(headers.reset);
    expect(decision.headers['inin-ratelimit-allowed']).toBe(String(limit));
    expect(decision.headers['retry-after']).toBe(allowed ? undefined : headers.reset);
  });
});

describe('rate limit per token', () => {
  it('sends inin-ratelimit headers, answers 429 past the limit and resets after the window', async () => {
    const clock = fakeClock();
    const emulator = await createEmulator({ rateLimitPerMinute: 3 }, { clock });
    onTestFinished(() => emulator.close());
    const token = await tokenFor(emulator);
    const get = () =>
      emulator.app.inject({
        method: 'GET',
        url: '/api/v2/integrations',
        headers: { authorization: `Bearer ${token}` },
      });
    const first = await get();
    expect(first.headers).toMatchObject({
      'inin-ratelimit-count': '1',
      'inin-ratelimit-allowed': '3',
      'inin-ratelimit-reset': '60',
    });
    await get();
    await clock.advance(20_000);
    expect((await get()).statusCode).toBe(200);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.json()).toMatchObject({ code: 'too.many.requests.retry.after', status: 429 });
    expect(refused.json<{ message: string }>().message).toContain(
      'Retry the request in [40] seconds',
    );
    await clock.advance(40_000);
    const after = await get();
    expect(after.statusCode).toBe(200);
    expect(after.headers['inin-ratelimit-count']).toBe('1');
  });

  it('counts each token separately', async () => {
    const emulator = await createEmulator({ rateLimitPerMinute: 1 });
    onTestFinished(() => emulator.close());
    const a = await tokenFor(emulator);
    const b = await tokenFor(emulator);
    const get = (token: string) =>
      emulator.app.inject({
        method: 'GET',
        url: '/api/v2/integrations',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await get(a)).statusCode).toBe(200);
    expect((await get(b)).statusCode).toBe(200);
    expect((await get(a)).statusCode).toBe(429);
  });
});
