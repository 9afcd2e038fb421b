import { describe, expect, it } from 'vitest';
import { createDataActionsRegistry } from '../../src/registry/index.js';
import { planSync } from '../../src/sync/index.js';
import { makeTools } from '../sync/tools.js';
import { EXECUTION_URL, planAndApply, setup } from '../integration/sync-helpers.js';

describe('the data-actions registry has no hidden call order', () => {
  it('desired() before list() plans the same as after it: nothing to change, no replace', async () => {
    const { registry, client } = await setup();
    const tools = makeTools(3);
    await planAndApply(registry, tools);
    // A fresh registry, as a library user builds one: desired first, then list.
    const fresh = createDataActionsRegistry(
      { executionUrl: EXECUTION_URL, bearerToken: 'sentinel-token-1234' },
      client,
    );
    const desiredFirst = tools.map((t) => fresh.desired(t));
    const remote = await fresh.list(tools.map((t) => t.name));
    const desiredAfter = tools.map((t) => fresh.desired(t));
    expect(desiredFirst).toEqual(desiredAfter);
    const plan = planSync(desiredFirst, remote, { target: fresh.target, scope: fresh.scope });
    expect(plan.changes.map((c) => c.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
