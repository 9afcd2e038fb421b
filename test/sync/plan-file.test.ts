import { describe, expect, it } from 'vitest';
import type { DesiredEntry, RemoteEntry } from '../../src/registry/index.js';
import { assertPlanFresh, parsePlanFile, planSync, serialisePlan } from '../../src/sync/index.js';

const desired = (name: string, t: number): DesiredEntry => ({
  name,
  spec: { fixed: { c: 'string' }, mutable: { t } },
  body: { name, config: { t } },
});
const remote = (name: string, id: string, t: number): RemoteEntry => ({
  id,
  name,
  version: 2,
  managed: true,
  spec: { fixed: { c: 'string' }, mutable: { t } },
  status: 'published',
  endpoint: undefined,
  modifiedAt: undefined,
  fingerprint: `listed t=${t}`,
});
const options = { target: 'data-actions', scope: 'category "x"', prune: true } as const;

describe('plan files', () => {
  it('reads back exactly the plan it saved', () => {
    const r = [remote('a', '1', 1), remote('gone', '2', 1)];
    const plan = planSync([desired('a', 5), desired('new', 1)], r, options);
    const saved = parsePlanFile(serialisePlan(plan, ['a', 'new']), 'plan.json');
    expect(saved.plan).toEqual(plan);
    expect(saved.names).toEqual(['a', 'new']);
    expect(() => {
      assertPlanFresh(saved, r);
    }).not.toThrow();
  });

  it('keeps the descriptions a contract holds, which an update of a saved plan writes back (issue 15 item 12)', () => {
    const kept = { tool: 'aaaaaaaaaaaa', fields: 'bbbbbbbbbbbb' };
    const files = { tool: 'cccccccccccc', fields: 'bbbbbbbbbbbb' };
    const r = { ...remote('a', '1', 1), spec: { ...remote('a', '1', 1).spec, descriptions: kept } };
    const d = { ...desired('a', 5), spec: { ...desired('a', 5).spec, descriptions: files } };
    const plan = planSync([d], [r], options);
    expect(plan.changes[0]).toMatchObject({
      kind: 'update',
      descriptions: { tool: true, fields: false },
    });
    const saved = parsePlanFile(serialisePlan(plan, ['a']), 'plan.json');
    expect(saved.plan).toEqual(plan);
  });

  it('refuses a saved plan once what the org lists has changed', () => {
    const r = [remote('a', '1', 1)];
    const saved = parsePlanFile(serialisePlan(planSync([desired('a', 5)], r, options), ['a']), 'p');
    expect(() => {
      assertPlanFresh(saved, [remote('a', '1', 3)]);
    }).toThrow(expect.objectContaining({ code: 'SYNC_PLAN_STALE' }));
  });

  it.each([
    ['text that is not JSON', 'nope'],
    ['JSON that is not a plan', '{"formatVersion": 1}'],
    [
      'a plan of another format',
      '{"formatVersion": 1, "target": "gateway", "scope": "", "fingerprint": "", "names": [], "changes": []}',
    ],
    [
      'a change of an unknown kind',
      '{"formatVersion": 1, "target": "gateway", "scope": "", "fingerprint": "", "names": [], "changes": [{"kind": "rename", "name": "a"}]}',
    ],
  ])('refuses %s with SYNC_PLAN_FILE_INVALID', (_name, text) => {
    expect(() => parsePlanFile(text, 'plan.json')).toThrow(
      expect.objectContaining({ code: 'SYNC_PLAN_FILE_INVALID' }),
    );
  });
});
