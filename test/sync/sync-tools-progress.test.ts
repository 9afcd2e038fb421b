import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/index.js';
import { createClient, createRegistry, syncTools } from '../../src/index.js';
import { startEmulator } from '../support/emulator.js';
import { makeTool } from './tools.js';

// Issue 15 item 17: long waits (rate limits, retries, the listing catching up) were silent; a
// library user follows them through syncTools's onProgress.
describe('syncTools onProgress', () => {
  it('receives the 429 wait, the retry and the listing wait, each ended by waited', async () => {
    const { url, clientId, clientSecret } = await startEmulator({
      // A created action is listed 4 s after its create: apply waits for the listing.
      listingLagMs: 4_000,
      faults: {
        rules: [
          {
            method: 'GET',
            path: '/api/v2/integrations/actions',
            errorRate: 1,
            errorStatus: 503,
            times: 1,
          },
          { method: 'POST', path: '/api/v2/integrations/actions', rateLimitRate: 1, times: 1 },
        ],
      },
    });
    const client = createClient({ apiUrl: url, clientId, clientSecret });
    const registry = createRegistry(
      { executionUrl: 'https://tools.example.com', bearerToken: 'a-long-random-token-0123456789' },
      client,
    );
    const events: ProgressEvent[] = [];
    const { result } = await syncTools({
      registry,
      tools: [
        makeTool('check_inventory', {
          endpoint: 'https://tools.example.com/api/v1/tools/check_inventory',
        }),
      ],
      onProgress: (e) => events.push(e),
    });
    expect(result?.applied).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'retry',
        method: 'GET',
        route: '/api/v2/integrations/actions',
        reason: '503',
        retry: 1,
        maxRetries: 4,
        waitMs: 1_000,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'rate-limited',
        method: 'POST',
        route: '/api/v2/integrations/actions',
        waitMs: 1_000,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'listing', created: 1, removed: 0 }),
    );
    // Every wait that began has ended.
    const open = new Set<string>();
    for (const e of events) {
      if (e.type === 'waited') open.delete(e.key);
      else open.add(e.key);
    }
    expect([...open]).toEqual([]);
  }, 60_000);
});
