import { describe, expect, it } from 'vitest';
import { isGenesysToolsError } from '../../src/errors.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import { createDataActionsRegistry } from '../../src/registry/index.js';
import type { Registry } from '../../src/registry/index.js';
import { hasChanges } from '../../src/sync/index.js';
import { makeTools } from '../sync/tools.js';
import { seededRandom } from '../../src/emulator/faults.js';
import { EXECUTION_URL, plan, planAndApply, setup } from './sync-helpers.js';

/**
 * The emulator injects 5xx and dropped connections before it handles a request; this wrapper adds
 * what it cannot: 429s mixed into the same routes, and answers lost after the request landed
 * (the ambiguous case that could make a create twice).
 */
function faultyFetch(
  random: () => number,
  stats: { lost: number; throttled: number },
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/api/v2/')) return fetch(input, init);
    const r = random();
    if (r < 0.1) {
      stats.throttled++;
      return new Response(
        JSON.stringify({
          status: 429,
          code: 'too.many.requests.retry.after',
          message: 'Rate limit exceeded',
        }),
        {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '0' },
        },
      );
    }
    const response = await fetch(input, init);
    if (r < 0.15) {
      stats.lost++;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: connection reset after the request was sent');
    }
    return response;
  };
}

async function managedActions(url: string, clientId: string, clientSecret: string) {
  const client = createGenesysClient({
    apiUrl: url,
    clientId,
    clientSecret,
    requestsPerMinute: 1_000_000,
  });
  const all = await client.dataActions
    .list({ category: 'genesys-tools', includeConfig: true })
    .collect();
  return { client, all };
}

async function converge(registry: Registry, tools: ReturnType<typeof makeTools>, maxRuns: number) {
  const failures: string[] = [];
  for (let run = 1; run <= maxRuns; run++) {
    try {
      await planAndApply(registry, tools, { concurrency: 8 });
      return { runs: run, failures };
    } catch (error) {
      if (!isGenesysToolsError(error)) throw error;
      failures.push(error.code);
    }
  }
  return { runs: maxRuns + 1, failures };
}

describe('apply under faults', () => {
  it('converges to exactly 200 managed actions with 20% 5xx, 10% 429 and 5% dropped connections', async () => {
    const { url, clientId, clientSecret, emulator } = await setup('data-actions', {
      faults: {
        seed: 7,
        rules: [
          {
            path: '/api/v2/*',
            errorRate: 0.2,
            errorStatus: 503,
            retryAfterSeconds: 0,
            dropRate: 0.05,
          },
        ],
      },
    });
    const stats = { lost: 0, throttled: 0 };
    const client = createGenesysClient(
      {
        apiUrl: url,
        clientId,
        clientSecret,
        requestsPerMinute: 1_000_000,
        requestTimeoutMs: 10_000,
        backoff: { baseMs: 1, maxMs: 10 },
        retryAfterCapMs: 10,
      },
      { fetch: faultyFetch(seededRandom(11), stats) },
    );
    const registry = createDataActionsRegistry(
      { executionUrl: EXECUTION_URL, bearerToken: 'sentinel-token-1234' },
      client,
    );
    const tools = makeTools(200);
    const outcome = await converge(registry, tools, 6);
    expect(outcome.runs).toBeLessThanOrEqual(6);
    expect(stats.lost).toBeGreaterThan(0);
    expect(emulator.calls.some((c) => c.status === 0)).toBe(true);
    expect(emulator.calls.some((c) => c.status === 503)).toBe(true);

    emulator.setFaults({ rules: [] });
    const { all } = await managedActions(url, clientId, clientSecret);
    expect(all).toHaveLength(200);
    expect(new Set(all.map((a) => a.name)).size).toBe(200);
    const clean = createDataActionsRegistry(
      { executionUrl: EXECUTION_URL },
      (await managedActions(url, clientId, clientSecret)).client,
    );
    expect(hasChanges(await plan(clean, tools))).toBe(false);
  }, 180_000);

  it('converges after an apply aborted mid-run', async () => {
    const { registry, url, clientId, clientSecret } = await setup();
    const tools = makeTools(60);
    const controller = new AbortController();
    let seen = 0;
    const aborted = planAndApply(registry, tools, {
      concurrency: 4,
      signal: controller.signal,
      onChange: () => {
        seen++;
        if (seen === 20) controller.abort(new Error('interrupted by the test'));
      },
    });
    await expect(aborted).rejects.toMatchObject({ code: 'SYNC_ABORTED' });
    const partial = await managedActions(url, clientId, clientSecret);
    expect(partial.all.length).toBeGreaterThanOrEqual(20);
    expect(partial.all.length).toBeLessThan(60);

    const second = await planAndApply(registry, tools);
    expect(second.result.applied).toBe(60 - partial.all.length);
    const { all } = await managedActions(url, clientId, clientSecret);
    expect(all).toHaveLength(60);
    expect(hasChanges(await plan(registry, tools))).toBe(false);
  }, 120_000);

  it('spends one retry budget per write: an update that keeps failing is sent maxAttempts times, not 25', async () => {
    const { registry, emulator } = await setup();
    const tools = [makeTools(1)[0]!];
    await planAndApply(registry, tools);
    emulator.setFaults({
      rules: [
        { method: 'PATCH', path: '/api/v2/integrations/actions/*', errorRate: 1, errorStatus: 500 },
      ],
    });
    emulator.clearCalls();
    const changed = [{ ...tools[0]!, timeoutMs: 7000 }];
    const failed = await planAndApply(registry, changed).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'SYNC_APPLY_FAILED' });
    const patches = emulator.calls.filter((c) => c.method === 'PATCH');
    // The client's maxAttempts (5) in all: apply no longer retries on top of the transport.
    expect(patches).toHaveLength(5);
  });
});
