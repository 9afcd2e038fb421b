import { describe, expect, it } from 'vitest';
import { summarisePlan } from '../../src/sync/index.js';
import { makeTools } from '../sync/tools.js';
import { plan, planAndApply, setup } from './sync-helpers.js';

describe('sync against the emulator (data-actions)', () => {
  it('applies three tools and then plans no changes', async () => {
    const { registry } = await setup();
    const tools = makeTools(3);
    const first = await planAndApply(registry, tools);
    expect(summarisePlan(first.plan).create).toBe(3);
    expect(first.result.applied).toBe(3);
    const again = await plan(registry, tools);
    expect(summarisePlan(again)).toEqual({
      create: 0,
      update: 0,
      replace: 0,
      delete: 0,
      conflict: 0,
      unchanged: 3,
      notInFiles: 0,
    });
  });
});
