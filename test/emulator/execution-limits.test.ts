import { describe, expect, it } from 'vitest';
import { fakeClock } from '../support/fake-clock.js';
import { str } from './helpers.js';
import { fakeToolFetch, strictSetup } from './strict-helpers.js';

describe('data-action execution limits (reference §3, §10.3)', () => {
  it('answers the org limits of the dataactions namespace (15 and 900 by default)', async () => {
    const { call } = await strictSetup();
    const res = await call('GET', '/api/v2/organizations/limits/namespaces/dataactions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entities: [
        { key: 'actions.concurrent.executions.max', namespace: 'dataactions', value: 15 },
        { key: 'requests.volume.max', namespace: 'dataactions', value: 900 },
      ],
    });
    const other = await call('GET', '/api/v2/organizations/limits/namespaces/nothing');
    expect(other.status).toBe(404);
  });

  it('answers the configured limits, and the platform defaults under /defaults', async () => {
    const { call } = await strictSetup({ executionConcurrency: 2, executionsPerMinute: 30 });
    const res = await call('GET', '/api/v2/organizations/limits/namespaces/dataactions');
    expect(res.body['entities']).toEqual([
      expect.objectContaining({ value: 2 }),
      expect.objectContaining({ value: 30 }),
    ]);
    const defaults = await call(
      'GET',
      '/api/v2/organizations/limits/namespaces/dataactions/defaults',
    );
    expect(defaults.body['entities']).toEqual([
      expect.objectContaining({ value: 15 }),
      expect.objectContaining({ value: 900 }),
    ]);
  });

  it('refuses an execution past the concurrency limit with 429 naming it, then admits again', async () => {
    const tool = fakeToolFetch(true);
    const { call, create } = await strictSetup({ executionConcurrency: 2 }, { fetch: tool.fetch });
    const id = await create();
    const url = `/api/v2/integrations/actions/${id}/execute`;
    const running = [call('POST', url, { sku: 'A' }), call('POST', url, { sku: 'B' })];
    await tool.waitFor(2);
    const refused = await call('POST', `/api/v2/integrations/actions/${id}/test`, { sku: 'C' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({
      code: 'too.many.requests',
      status: 429,
      limit: { key: 'actions.concurrent.executions.max', namespace: 'dataactions', value: 2 },
    });
    expect(str(refused.body, 'message')).toContain('Concurrency Rate Limit');
    tool.release();
    expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200]);
    const again = call('POST', url, { sku: 'D' });
    await tool.waitFor(3);
    tool.release();
    expect((await again).status).toBe(200);
  });

  it('refuses executions past the per-minute volume with 429 and Retry-After, counting /test', async () => {
    const clock = fakeClock();
    const tool = fakeToolFetch();
    const { call, create } = await strictSetup(
      { executionsPerMinute: 3 },
      { clock, fetch: tool.fetch },
    );
    const id = await create();
    const base = `/api/v2/integrations/actions/${id}`;
    expect((await call('POST', `${base}/execute`, { sku: 'A' })).status).toBe(200);
    expect((await call('POST', `${base}/test`, { sku: 'B' })).status).toBe(200);
    await clock.advance(20_000);
    expect((await call('POST', `${base}/execute`, { sku: 'C' })).status).toBe(200);
    const refused = await call('POST', `${base}/execute`, { sku: 'D' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.body).toMatchObject({
      code: 'too.many.requests',
      limit: { key: 'requests.volume.max', value: 3 },
    });
    expect(str(refused.body, 'message')).toContain('Volume Rate Limit');
    expect(str(refused.body, 'message')).toContain('Retry the request in [40] seconds');
    expect(tool.calls).toHaveLength(3);
    await clock.advance(40_000);
    expect((await call('POST', `${base}/execute`, { sku: 'E' })).status).toBe(200);
  });

  it('does not count reads and writes of actions against the execution limits', async () => {
    const { call, create } = await strictSetup({ executionsPerMinute: 1 });
    const id = await create();
    for (let i = 0; i < 3; i++) {
      expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(200);
    }
  });
});
