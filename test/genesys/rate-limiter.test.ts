import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/genesys/rate-limiter.js';
import { fakeClock } from '../support/fake-clock.js';

describe('client-side rate limiter', () => {
  it('lets the limit through at once and holds the rest until a minute after the first finished', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 }, clock);
    const permits = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    let fourth = false;
    const waiting = limiter.acquire().then((p) => {
      fourth = true;
      return p;
    });
    await clock.advance(10_000);
    for (const p of permits) p.release();
    await clock.advance(59_000);
    expect(fourth).toBe(false);
    await clock.advance(2_000);
    expect(fourth).toBe(true);
    (await waiting).release();
  });

  it('counts a request still in flight, however old', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1_000 }, clock);
    const first = await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => (second = true));
    await clock.advance(5_000);
    expect(second).toBe(false);
    first.release();
    await clock.advance(1_001);
    await clock.advance(1);
    expect(second).toBe(true);
  });

  it('serves waiters first come, first served', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 100 }, clock);
    const order: number[] = [];
    const first = await limiter.acquire();
    const waiters = [1, 2, 3].map((n) =>
      limiter.acquire().then((p) => {
        order.push(n);
        p.release();
      }),
    );
    first.release();
    for (let i = 0; i < 10; i++) await clock.advance(101);
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('never has more than the limit in any window during a burst', async () => {
    const clock = fakeClock();
    const limit = 5;
    const limiter = createRateLimiter({ limit, windowMs: 1_000 }, clock);
    const starts: number[] = [];
    let done = 0;
    const jobs = Array.from({ length: 40 }, () =>
      limiter.acquire().then(async (p) => {
        starts.push(clock.nowMs());
        await clock.sleep(50);
        p.release();
        done++;
      }),
    );
    for (let i = 0; i < 1_000 && done < 40; i++) await clock.advance(25);
    await Promise.all(jobs);
    expect(starts).toHaveLength(40);
    for (const s of starts) {
      expect(starts.filter((t) => t > s - 1_000 && t <= s).length).toBeLessThanOrEqual(limit);
    }
  });

  it('gives up waiting when the caller aborts', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1_000 }, clock);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.waiting()).toBe(0);
  });

  it.each([
    [300, 180, 180, true],
    [300, 300, 300, false],
    [300, 1_000, 300, false],
    [300, 0.5, 1, true],
  ])(
    'with limit %d, a server allowing %d leaves %d (changed: %s)',
    (configured, allowed, expected, changed) => {
      const limiter = createRateLimiter({ limit: configured, windowMs: 60_000 }, fakeClock());
      expect(limiter.lowerTo(allowed)).toBe(changed);
      expect(limiter.limit()).toBe(expected);
    },
  );
});
