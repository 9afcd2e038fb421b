import { describe, expect, it } from 'vitest';
import { fullBucket, takeToken } from '../../src/server/token-bucket.js';
import type { BucketState } from '../../src/server/token-bucket.js';
import { CallCancellation, InFlightCalls, retryAfterSeconds } from '../../src/server/policies.js';
import { fakeClock } from '../support/fake-clock.js';
import { invoke, recordingObserver, server, tool, wire } from './helpers.js';

describe('the token bucket', () => {
  const policy = { requestsPerMinute: 60, burstSize: 2 };
  const start: BucketState = fullBucket(policy, 0);

  it.each([
    ['a full bucket gives a token', start, 0, true, undefined],
    [
      'an empty bucket refuses with the time to the next token',
      { tokens: 0, atMs: 0 },
      0,
      false,
      1000,
    ],
    ['half a second refills half a token', { tokens: 0, atMs: 0 }, 500, false, 500],
    ['a second refills one token', { tokens: 0, atMs: 0 }, 1000, true, undefined],
    ['refill stops at burstSize', { tokens: 2, atMs: 0 }, 3_600_000, true, undefined],
    ['a clock stepping back mints nothing', { tokens: 0, atMs: 10_000 }, 5_000, false, 1000],
  ])('%s', (_name, state, nowMs, ok, retryAfterMs) => {
    const result = takeToken(state, policy, nowMs);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.retryAfterMs).toBe(retryAfterMs);
    expect(result.state.tokens).toBeLessThanOrEqual(policy.burstSize);
  });

  it.each([
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [0, 1],
  ])('Retry-After for %i ms is %i s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});

describe('per-tool policies on the route', () => {
  it('refuses calls past the burst with 429 RATE_LIMITED and Retry-After, until tokens refill', async () => {
    const clock = fakeClock();
    const app = await server(
      { tools: [tool({ rateLimit: { requestsPerMinute: 60, burstSize: 2 } })] },
      { clock },
    );
    expect((await invoke(app)).statusCode).toBe(200);
    expect((await invoke(app)).statusCode).toBe(200);
    const limited = await invoke(app);
    expect(limited.statusCode).toBe(429);
    expect(wire(limited).error_code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('1');
    await clock.advance(1000);
    expect((await invoke(app)).statusCode).toBe(200);
  });

  it('rate limits each tool on its own', async () => {
    const app = await server({
      tools: [
        tool({ rateLimit: { requestsPerMinute: 1, burstSize: 1 } }),
        tool({ name: 'other', rateLimit: { requestsPerMinute: 1, burstSize: 1 } }),
      ],
    });
    expect((await invoke(app)).statusCode).toBe(200);
    expect((await invoke(app, { sku: 'a' }, 'other')).statusCode).toBe(200);
    expect((await invoke(app)).statusCode).toBe(429);
  });

  it('opens the breaker after consecutive failures, probes after the cool-down, and closes on success', async () => {
    let failing = true;
    let calls = 0;
    const clock = fakeClock();
    const observer = recordingObserver();
    const app = await server(
      {
        observer,
        tools: [
          tool({
            circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60 },
            handler: () => {
              calls += 1;
              if (failing) throw new Error('upstream down');
              return { ok: true };
            },
          }),
        ],
      },
      { clock },
    );
    expect((await invoke(app)).statusCode).toBe(500);
    expect((await invoke(app)).statusCode).toBe(500);
    const open = await invoke(app);
    expect(open.statusCode).toBe(503);
    expect(wire(open).error_code).toBe('CIRCUIT_OPEN');
    expect(open.headers['retry-after']).toBe('1');
    expect(calls).toBe(2);
    const registry = await app.inject({
      method: 'GET',
      url: '/api/v1/tools/registry',
      headers: { authorization: 'Bearer test-token-0123456789' },
    });
    expect(registry.json<{ tools: { circuit: string }[] }>().tools[0]?.circuit).toBe('open');

    await clock.advance(59);
    expect(wire(await invoke(app)).error_code).toBe('CIRCUIT_OPEN');
    await clock.advance(1);
    failing = false;
    expect((await invoke(app)).statusCode).toBe(200);
    expect((await invoke(app)).statusCode).toBe(200);
    expect(observer.circuits).toEqual([
      'check_inventory:open',
      'check_inventory:half-open',
      'check_inventory:closed',
    ]);
  });

  it('opens the breaker again when the half-open probe fails', async () => {
    const clock = fakeClock();
    const app = await server(
      {
        tools: [
          tool({
            circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 40 },
            handler: () => {
              throw new Error('still down');
            },
          }),
        ],
      },
      { clock },
    );
    expect((await invoke(app)).statusCode).toBe(500);
    expect(wire(await invoke(app)).error_code).toBe('CIRCUIT_OPEN');
    await clock.advance(40);
    expect((await invoke(app)).statusCode).toBe(500);
    const reopened = await invoke(app);
    expect(wire(reopened).error_code).toBe('CIRCUIT_OPEN');
    expect(reopened.headers['retry-after']).toBe('1');
  });

  it('answers 503 OVERLOADED once the concurrency limit and the queue are full', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const app = await server({
      tools: [
        tool({
          concurrency: { maxConcurrent: 1, maxQueue: 1 },
          handler: async () => {
            started();
            await gate;
            return { ok: true };
          },
        }),
      ],
    });
    const first = invoke(app);
    await running;
    // Of the next two, whichever reaches the bulkhead first is queued and the other refused: the
    // outcome does not depend on how fast the machine is.
    const next = [invoke(app), invoke(app)];
    const refused = await Promise.race(next);
    expect(refused.statusCode).toBe(503);
    expect(wire(refused).error_code).toBe('OVERLOADED');
    release();
    const statuses = [
      (await first).statusCode,
      ...(await Promise.all(next)).map((r) => r.statusCode),
    ];
    expect(statuses.sort()).toEqual([200, 200, 503]);
  });

  it('times out a handler that honours its signal with 504, and the signal is aborted', async () => {
    let aborted = false;
    const app = await server({
      tools: [
        tool({
          timeoutMs: 30,
          handler: (_p, ctx) =>
            new Promise((_resolve, reject) => {
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
                const error = new Error('aborted');
                error.name = 'AbortError';
                reject(error);
              });
            }),
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(504);
    expect(wire(res).error_code).toBe('TOOL_EXECUTION_TIMEOUT');
    expect(aborted).toBe(true);
  });

  it('answers 504 without waiting for a handler that ignores its signal', async () => {
    let signal: AbortSignal | undefined;
    const app = await server({
      tools: [
        tool({
          timeoutMs: 30,
          handler: (_p, ctx) => {
            signal = ctx.signal;
            return new Promise(() => undefined);
          },
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(504);
    expect(wire(res).error_code).toBe('TOOL_EXECUTION_TIMEOUT');
    expect(signal?.aborted).toBe(true);
  });

  it('counts a timeout as a failure of the breaker', async () => {
    const app = await server({
      tools: [
        tool({
          timeoutMs: 20,
          circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 30_000 },
          handler: () => new Promise(() => undefined),
        }),
      ],
    });
    expect((await invoke(app)).statusCode).toBe(504);
    expect(wire(await invoke(app)).error_code).toBe('CIRCUIT_OPEN');
  });

  it('does not count refused calls (bad parameters) against the breaker', async () => {
    const app = await server({
      tools: [tool({ circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 30_000 } })],
    });
    expect((await invoke(app, { sku: 7 })).statusCode).toBe(422);
    expect((await invoke(app, { sku: 7 })).statusCode).toBe(422);
    expect((await invoke(app)).statusCode).toBe(200);
  });
});

describe('the list of calls in flight', () => {
  it('aborts exactly the calls still in it, whichever end they were removed from', () => {
    const calls = new InFlightCalls();
    const [a, b, c, d] = [
      new CallCancellation(),
      new CallCancellation(),
      new CallCancellation(),
      new CallCancellation(),
    ] as const;
    for (const call of [a, b, c, d]) calls.add(call);
    expect(calls.size).toBe(4);
    // The newest (the head), one in the middle, and the oldest (the tail).
    for (const call of [d, b, a]) calls.delete(call);
    expect(calls.size).toBe(1);
    calls.abortAll();
    expect([a, b, c, d].map((call) => call.aborted)).toEqual([false, false, true, false]);
    calls.delete(c);
    expect(calls.size).toBe(0);
    // A removed call keeps no stale links: added again, it is the only one aborted.
    calls.add(a);
    calls.abortAll();
    expect([a.aborted, b.aborted, d.aborted]).toEqual([true, false, false]);
  });
});
