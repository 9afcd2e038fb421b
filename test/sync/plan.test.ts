import { describe, expect, it } from 'vitest';
import type { DesiredEntry, RemoteEntry } from '../../src/registry/index.js';
import { planSync, planToJson, renderPlan, summarisePlan } from '../../src/sync/index.js';

const options = { target: 'data-actions', scope: 'category "genesys-tools"' } as const;

function desired(name: string, timeout = 7, contract = 'string'): DesiredEntry {
  return {
    name,
    spec: { fixed: { contract: { sku: contract } }, mutable: { timeoutSeconds: timeout } },
    body: { name },
  };
}

function remote(
  name: string,
  id: string,
  extra: { timeout?: number; contract?: string; managed?: boolean; modifiedAt?: string } = {},
): RemoteEntry {
  return {
    id,
    name,
    version: 1,
    managed: extra.managed ?? true,
    spec: {
      fixed: { contract: { sku: extra.contract ?? 'string' } },
      mutable: { timeoutSeconds: extra.timeout ?? 7 },
    },
    status: 'published',
    endpoint: `https://x/api/v1/tools/${name}`,
    modifiedAt: extra.modifiedAt,
    fingerprint: `${id} timeout=${String(extra.timeout ?? 7)}`,
  };
}

const kinds = (d: readonly DesiredEntry[], r: readonly RemoteEntry[], o = {}) =>
  planSync(d, r, { ...options, ...o }).changes.map((c) =>
    c.kind === 'create' ? `create ${c.name}` : `${c.kind} ${c.name} ${c.remote.id}`,
  );

describe('planSync', () => {
  it.each([
    ['creates a tool missing from the org', [desired('a')], [], {}, ['create a']],
    ['leaves an equal tool unchanged', [desired('a')], [remote('a', '1')], {}, ['unchanged a 1']],
    [
      'updates a tool whose config differs',
      [desired('a', 9)],
      [remote('a', '1')],
      {},
      ['update a 1'],
    ],
    [
      'replaces a tool whose contract differs',
      [desired('a', 7, 'integer')],
      [remote('a', '1')],
      {},
      ['replace a 1'],
    ],
    ['keeps a managed tool no file defines', [], [remote('old', '9')], {}, ['unchanged old 9']],
    ['deletes it with prune', [], [remote('old', '9')], { prune: true }, ['delete old 9']],
    [
      'keeps the duplicate that matches the files and deletes the other',
      [desired('a')],
      [
        remote('a', '1', { timeout: 30, modifiedAt: '2026-02-01' }),
        remote('a', '2', { modifiedAt: '2026-01-01' }),
      ],
      {},
      ['unchanged a 2', 'delete a 1'],
    ],
    [
      'keeps the newest duplicate when none matches',
      [desired('a', 99)],
      [
        remote('a', '1', { modifiedAt: '2026-01-01' }),
        remote('a', '2', { modifiedAt: '2026-02-01' }),
      ],
      {},
      ['update a 2', 'delete a 1'],
    ],
    [
      'reports an unmanaged action with a wanted name as a conflict',
      [desired('a')],
      [remote('a', '5', { managed: false, timeout: 1 })],
      {},
      ['conflict a 5'],
    ],
    [
      'adopts it with adopt',
      [desired('a')],
      [remote('a', '5', { managed: false, timeout: 1 })],
      { adopt: true },
      ['update a 5'],
    ],
    [
      'ignores unmanaged actions no file wants',
      [],
      [remote('x', '5', { managed: false })],
      { prune: true },
      [],
    ],
    [
      'deletes everything managed for destroy',
      [],
      [remote('a', '1'), remote('b', '2'), remote('x', '5', { managed: false })],
      { destroy: true },
      ['delete a 1', 'delete b 2'],
    ],
  ])('%s', (_name, d, r, o, expected) => {
    expect(kinds(d, r, o)).toEqual(expected);
  });

  it('gives the same fingerprint for the same remote state in any order', () => {
    const r = [remote('a', '1'), remote('b', '2')];
    expect(planSync([], r, options).fingerprint).toBe(
      planSync([], [...r].reverse(), options).fingerprint,
    );
    expect(planSync([], r, options).fingerprint).not.toBe(
      planSync([], [remote('a', '1', { timeout: 8 }), remote('b', '2')], options).fingerprint,
    );
  });
});

describe('renderPlan', () => {
  it('renders create, update, replace, delete and conflict like Terraform', () => {
    const plan = planSync(
      [
        desired('add'),
        desired('change', 12),
        desired('contract', 7, 'integer'),
        desired('same'),
        desired('taken'),
      ],
      [
        remote('change', 'c-1'),
        remote('contract', 'k-1'),
        remote('same', 's-1'),
        remote('same', 's-2', { timeout: 1 }),
        remote('gone', 'g-1'),
        remote('taken', 't-1', { managed: false }),
      ],
      { ...options, prune: true },
    );
    expect(renderPlan(plan)).toBe(
      [
        'Changes to category "genesys-tools" (data-actions):',
        '',
        '  + create add',
        '      + contract.sku: "string"',
        '      + timeoutSeconds: 7',
        '  ~ update change (id c-1, version 1)',
        '      ~ timeoutSeconds: 7 -> 12',
        '-/+ replace contract (id k-1, version 1)',
        '      ~ contract.sku: "string" -> "integer"',
        '      ! the id changes: re-point AI Guides, agents and flows that use k-1 (needs --allow-replace)',
        '  - delete gone (id g-1, version 1)',
        '  - delete same (id s-2, version 1) (duplicate of same)',
        '  ! conflict taken (id t-1): it exists outside category "genesys-tools"; rename the tool, remove the other one, or take it over with --adopt',
        '',
        'Plan: 1 to create, 1 to update, 1 to replace, 2 to delete, 1 unchanged, 1 conflict.',
        '',
      ].join('\n'),
    );
  });

  it('renders a no-op plan as one line', () => {
    const plan = planSync(
      [desired('a'), desired('b')],
      [remote('a', '1'), remote('b', '2')],
      options,
    );
    expect(renderPlan(plan)).toBe(
      'No changes. 2 tools in category "genesys-tools" (data-actions) match the files.\n',
    );
    expect(summarisePlan(plan)).toEqual({
      create: 0,
      update: 0,
      replace: 0,
      delete: 0,
      conflict: 0,
      unchanged: 2,
      notInFiles: 0,
    });
  });

  it('gives machines the actions, ids, diffs and the replace warning', () => {
    const plan = planSync([desired('a', 7, 'integer'), desired('n')], [remote('a', '1')], options);
    const json = planToJson(plan);
    expect(json.changed).toBe(true);
    expect(json.changes).toEqual([
      {
        action: 'replace',
        name: 'a',
        id: '1',
        version: 1,
        adopt: false,
        diff: [{ path: 'contract.sku', before: 'string', after: 'integer' }],
        warning: 'the id changes: re-point AI Guides, agents and flows that use 1',
      },
      {
        action: 'create',
        name: 'n',
        attributes: [
          { path: 'contract.sku', after: 'string' },
          { path: 'timeoutSeconds', after: 7 },
        ],
      },
    ]);
  });
});
