/**
 * The replicas' shared state against a real Redis (issue 16 §1-2): two servers in this process
 * share one Redis, as two replicas would; then the Redis is stopped and each policy holds.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRedisSharedState, sharedWindow, sharedWindowBound } from '../../src/server/index.js';
import type { SharedState, SharedStateEvent } from '../../src/server/index.js';
import { redisSkipReason, redisSource, startRedis } from '../support/redis.js';
import { fakeClock } from '../support/fake-clock.js';
import { invoke, server, tool } from './helpers.js';
import type { WireBody } from './helpers.js';

const source = redisSource();
const skip = redisSkipReason(source);
const SECRET = `whsec_${Buffer.from('redis-shared-state-signing-key-0123').toString('base64')}`;

async function sharedState(url: string, events: SharedStateEvent[] = []): Promise<SharedState> {
  const state = await createRedisSharedState(
    { url, replicas: 2, keyPrefix: `t-${randomUUID()}`, commandTimeoutMs: 200 },
    { onEvent: (e) => events.push(e) },
  );
  onTestFinished(() => state.close());
  return state;
}

function signedHeaders(body: string, id = `msg_${randomUUID()}`): Record<string, string> {
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(id, at, body),
  };
}

function signedCall(app: Awaited<ReturnType<typeof server>>, headers: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/tools/check_inventory',
    headers,
    payload: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'A-1' } }),
  });
}

const SIGNED_BODY = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'A-1' } });
const limited = (onStoreDown: 'local-share' | 'closed') =>
  tool({ rateLimit: { requestsPerMinute: 60, burstSize: 10, onStoreDown } });

describe('sharedWindow: the fixed window that keeps a bucket promise in the store', () => {
  it.each([
    // rate/min, burst, points, seconds
    [60, 10, 5, 5],
    [60, 1, 1, 1],
    [7, 10, 5, 43],
    [6000, 10, 100, 1],
    [600, 20, 10, 1],
  ] as const)('rate %i burst %i: %i calls per %i s', (rate, burst, points, seconds) => {
    expect(sharedWindow({ requestsPerMinute: rate, burstSize: burst })).toEqual({
      points,
      durationSeconds: seconds,
    });
  });

  it.each([
    [60, 10],
    [7, 10],
    [600, 20],
    [1, 2],
  ] as const)('never admits more than burst + rate·t (rate %i, burst %i)', (rate, burst) => {
    const window = sharedWindow({ requestsPerMinute: rate, burstSize: burst });
    for (const spanMs of [0, 1, 999, 5000, 59_999, 600_000]) {
      expect(sharedWindowBound(window, spanMs)).toBeLessThanOrEqual(
        burst + (rate * spanMs) / 60_000,
      );
      // And the long-run rate is the bucket's or below it.
      expect(window.points / window.durationSeconds).toBeLessThanOrEqual(rate / 60);
    }
  });
});

describe.skipIf(skip !== undefined)(
  `rate limits and replay refusal shared in Redis${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('holds one limit across two servers sharing a Redis', async () => {
      const redis = await startRedis(source);
      const state = await sharedState(redis.url);
      const a = await server({ tools: [limited('closed')], sharedState: state });
      const b = await server({ tools: [limited('closed')], sharedState: state });
      const statuses: number[] = [];
      const startMs = Date.now();
      for (let i = 0; i < 12; i += 1) statuses.push((await invoke(i % 2 === 0 ? a : b)).statusCode);
      const spanMs = Date.now() - startMs;
      // One window of the 60/min, burst 10 limit holds 5 calls (5 s): the first window's 5 pass,
      // and no more than the windows the span touched allow (10 while it is under 5 s).
      const admitted = statuses.filter((s) => s === 200).length;
      expect(admitted).toBeGreaterThanOrEqual(5);
      expect(admitted).toBeLessThanOrEqual(
        sharedWindowBound(sharedWindow({ requestsPerMinute: 60, burstSize: 10 }), spanMs),
      );
      expect(statuses.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
      const refused = await invoke(a);
      if (refused.statusCode === 429)
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('refuses on one server a signed message the other accepted', async () => {
      const redis = await startRedis(source);
      const state = await sharedState(redis.url);
      const a = await server({ auth: { signingSecrets: [SECRET] }, sharedState: state });
      const b = await server({ auth: { signingSecrets: [SECRET] }, sharedState: state });
      const headers = signedHeaders(SIGNED_BODY);
      const first = await signedCall(a, headers);
      const replay = await signedCall(b, headers);
      expect(first.statusCode).toBe(200);
      expect(replay.statusCode).toBe(401);
      expect(replay.json<WireBody>().error_code).toBe('UNAUTHORIZED');
    });

    it('while Redis is down: local-share serves the replica share, closed refuses, signed calls are refused, readiness and metrics say so', async () => {
      const redis = await startRedis(source, true);
      const events: SharedStateEvent[] = [];
      const state = await sharedState(redis.url, events);
      // The replica share is an in-process bucket: a fake clock keeps it from refilling meanwhile.
      const share = await server(
        { tools: [limited('local-share')], sharedState: state },
        { clock: fakeClock() },
      );
      const closed = await server({ tools: [limited('closed')], sharedState: state });
      const signed = await server({ auth: { signingSecrets: [SECRET] }, sharedState: state });
      expect((await share.inject({ url: '/readyz' })).json()).toEqual({
        status: 'ready',
        shared_state: 'up',
      });
      expect(events).toEqual([{ type: 'store', up: true }]);

      await redis.stop();
      // The share of one of two replicas: burst 10 / 2 = 5 calls at once, then none.
      const shareStatuses: number[] = [];
      for (let i = 0; i < 8; i += 1) shareStatuses.push((await invoke(share)).statusCode);
      expect(shareStatuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

      const refused = await invoke(closed);
      expect(refused.statusCode).toBe(503);
      expect(refused.json<WireBody>().error_code).toBe('STORE_UNAVAILABLE');
      expect(refused.headers['retry-after']).toBe('1');

      const replayCheck = await signedCall(signed, signedHeaders(SIGNED_BODY));
      expect(replayCheck.statusCode).toBe(503);
      expect(replayCheck.json<WireBody>().error_code).toBe('STORE_UNAVAILABLE');

      const ready = await share.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', shared_state: 'down' });
      expect(events).toContainEqual({ type: 'store', up: false });
      expect(events).toContainEqual({
        type: 'store-down-call',
        use: 'rate-limit',
        action: 'local-share',
        tool: 'check_inventory',
      });
      expect(events).toContainEqual({
        type: 'store-down-call',
        use: 'rate-limit',
        action: 'refused',
        tool: 'check_inventory',
      });
      expect(events).toContainEqual({ type: 'store-down-call', use: 'replay', action: 'refused' });
    });
  },
);
