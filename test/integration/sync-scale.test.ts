import { describe, expect, it } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { createDataActionsRegistry } from '../../src/registry/index.js';
import { hasChanges, summarisePlan } from '../../src/sync/index.js';
import { makeTools } from '../sync/tools.js';
import { EXECUTION_URL, plan, planAndApply, setup } from './sync-helpers.js';

describe('sync of 200 tools against the emulator', () => {
  it('applies 200 tools, then a fresh plan costs only the token and the listing pages', async () => {
    const { registry, emulator, url, clientId, clientSecret } = await setup();
    const tools = makeTools(200);
    const first = await planAndApply(registry, tools);
    expect(first.result.applied).toBe(200);

    // A new process: new client, new token, nothing cached.
    const client = createGenesysClient({
      apiUrl: url,
      clientId,
      clientSecret,
      requestsPerMinute: 1_000_000,
    });
    const fresh = createDataActionsRegistry({ executionUrl: EXECUTION_URL }, client);
    emulator.clearCalls();
    const again = await plan(fresh, tools);
    expect(hasChanges(again)).toBe(false);
    expect(summarisePlan(again).unchanged).toBe(200);
    const calls = emulator.calls.map((c) => `${c.method} ${c.path}`);
    expect(calls).toEqual([
      'POST /oauth/token',
      'GET /api/v2/integrations',
      'GET /api/v2/integrations/actions',
      'GET /api/v2/integrations/actions',
    ]);
  }, 180_000);
});
