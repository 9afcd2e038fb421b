import { describe, expect, it } from 'vitest';
import {
  bindingsPlanToJson,
  hasBindingChanges,
  planBindings,
  renderBindingsPlan,
} from '../../src/bindings/index.js';
import type {
  DesiredAgent,
  DesiredGuide,
  RemoteAgent,
  RemoteGuide,
  ToolRef,
} from '../../src/bindings/index.js';
import type { AgentDefinitionWire, GuideDataActionWire } from '../../src/genesys/index.js';

const INV = { tool: 'check_inventory', label: 'CheckInventory', description: 'Stock' };
const ORD = { tool: 'order_status', label: 'OrderStatus', description: 'Orders' };

const guide = (tools: DesiredGuide['tools'], instruction?: string): DesiredGuide => ({
  kind: 'guide',
  ref: { name: 'Store assistant', id: undefined },
  pointer: '/guides/0',
  tools,
  instruction,
});
const remoteGuide = (dataActions?: GuideDataActionWire[], instruction = 'Hi'): RemoteGuide => {
  const published =
    dataActions === undefined
      ? undefined
      : { id: 'v1', state: 'ProductionReady', instruction, resources: { dataActions } };
  return { kind: 'guide', id: 'g1', name: 'Store assistant', published, latest: published };
};
const agent = (tools: DesiredAgent['tools']): DesiredAgent => ({
  kind: 'agent',
  ref: { name: 'Store agent', id: undefined },
  pointer: '/agents/0',
  tools,
});
const remoteAgent = (definition?: AgentDefinitionWire): RemoteAgent => {
  const published = definition === undefined ? undefined : { id: 'av1', definition };
  return { kind: 'agent', id: 'a1', name: 'Store agent', published, latest: published };
};

const refs = (entries: Record<string, ToolRef>) => new Map(Object.entries(entries));
const existing = (id: string): ToolRef => ({ id, state: 'existing' });
const MANAGED = new Set(['inv-1', 'ord-1', 'old-dup']);

function guideLine(d: DesiredGuide, r: RemoteGuide, rs: ReadonlyMap<string, ToolRef>): string {
  return renderBindingsPlan(
    planBindings({ guides: [d], agents: [] }, { guides: [r], agents: [] }, rs, MANAGED),
  );
}
function agentLine(d: DesiredAgent, r: RemoteAgent, rs: ReadonlyMap<string, ToolRef>): string {
  return renderBindingsPlan(
    planBindings({ guides: [], agents: [d] }, { guides: [], agents: [r] }, rs, MANAGED),
  );
}

const BOTH = refs({ check_inventory: existing('inv-1'), order_status: existing('ord-1') });

describe('planBindings: guides', () => {
  it.each([
    [
      'everything is an add when nothing is published',
      guide([INV, ORD]),
      remoteGuide(undefined),
      BOTH,
      '~ guide "Store assistant": + check_inventory, + order_status\n',
    ],
    [
      'a tool still to be created shows (new)',
      guide([INV, ORD]),
      remoteGuide([{ id: 'inv-1', label: 'CheckInventory', description: 'Stock' }]),
      refs({ check_inventory: existing('inv-1'), order_status: { id: undefined, state: 'new' } }),
      '~ guide "Store assistant": + order_status (new)\n',
    ],
    [
      'no changes when the published version matches',
      guide([INV]),
      remoteGuide([{ id: 'inv-1', label: 'CheckInventory', description: 'Stock' }]),
      BOTH,
      '= guide "Store assistant": no changes\n',
    ],
    [
      'a replaced action re-points the entry naming the old id',
      guide([INV, ORD]),
      remoteGuide([
        { id: 'inv-old', label: 'CheckInventory', description: 'Stock' },
        { id: 'ord-1', label: 'OrderStatus', description: 'Orders' },
      ]),
      refs({
        check_inventory: { id: undefined, state: 'replaced', previousId: 'inv-old' },
        order_status: existing('ord-1'),
      }),
      '~ guide "Store assistant": ~ check_inventory (id changes: replaced)\n',
    ],
    [
      'a managed action no longer bound is removed',
      guide([INV]),
      remoteGuide([
        { id: 'inv-1', label: 'CheckInventory', description: 'Stock' },
        { id: 'ord-1', label: 'OrderStatus', description: 'Orders' },
      ]),
      BOTH,
      '~ guide "Store assistant": - order_status\n',
    ],
    [
      'a changed label and description are updates in place',
      guide([{ ...INV, label: 'Stock' }, ORD]),
      remoteGuide([
        { id: 'inv-1', label: 'CheckInventory', description: 'Stock' },
        { id: 'ord-1', label: 'OrderStatus', description: 'old words' },
      ]),
      BOTH,
      '~ guide "Store assistant": ~ check_inventory (label), ~ order_status (description)\n',
    ],
    [
      'an entry naming a duplicate managed action by label is re-pointed',
      guide([INV]),
      remoteGuide([{ id: 'old-dup', label: 'CheckInventory', description: 'Stock' }]),
      BOTH,
      '~ guide "Store assistant": ~ check_inventory (id changes)\n',
    ],
    [
      'entries of actions not managed here are kept and counted',
      guide([INV]),
      remoteGuide([
        { id: 'theirs', label: 'Weather', description: 'not ours' },
        { id: 'inv-1', label: 'CheckInventory', description: 'Stock' },
      ]),
      BOTH,
      '= guide "Store assistant": no changes (keeps 1 action not managed here)\n',
    ],
    [
      'an owned instruction that differs is a change',
      guide([INV], 'Call {{Action.CheckInventory}}'),
      remoteGuide([{ id: 'inv-1', label: 'CheckInventory', description: 'Stock' }], 'Old text'),
      BOTH,
      '~ guide "Store assistant": ~ instruction\n',
    ],
  ])('%s', (_, d, r, rs, line) => {
    expect(guideLine(d, r, rs)).toBe(line);
  });

  it('leaves an instruction alone when the config does not own it', () => {
    const r = remoteGuide([{ id: 'inv-1', label: 'CheckInventory', description: 'Stock' }], 'x');
    expect(guideLine(guide([INV]), r, BOTH)).toBe('= guide "Store assistant": no changes\n');
  });
});

describe('planBindings: agents', () => {
  const tool = (id: string, extra: Record<string, unknown> = {}) => ({
    type: 'DataAction',
    name: 'check_inventory',
    description: 'In stock?',
    target: { id },
    ...extra,
  });
  const KB = { type: 'KnowledgeBase', name: 'faq', target: { id: 'kb-1' } };
  const AINV = { tool: 'check_inventory', description: 'In stock?', errors: [] };

  it.each([
    [
      'nothing published: an add',
      agent([AINV]),
      remoteAgent(undefined),
      '~ agent "Store agent": + check_inventory\n',
    ],
    [
      'matching definition, other tools ignored',
      agent([AINV]),
      remoteAgent({ tools: [KB, tool('inv-1')] }),
      '= agent "Store agent": no changes\n',
    ],
    [
      'a changed description',
      agent([{ ...AINV, description: 'Use when asked about stock.' }]),
      remoteAgent({ tools: [tool('inv-1')] }),
      '~ agent "Store agent": ~ check_inventory (description)\n',
    ],
    [
      'declared errors differ from the types',
      agent([{ ...AINV, errors: [{ statusCodes: [429], instruction: 'Try again in a minute' }] }]),
      remoteAgent({ tools: [tool('inv-1')] }),
      '~ agent "Store agent": ~ check_inventory (errors)\n',
    ],
    [
      'declared errors equal to the types read back',
      agent([{ ...AINV, errors: [{ statusCodes: [503, 429], instruction: 'Later' }] }]),
      remoteAgent({
        tools: [tool('inv-1', { errors: [{ type: 'check_inventory_http_429_503' }] })],
        types: [
          {
            name: 'check_inventory_http_429_503',
            type: 'DataActionHttpError',
            statusCodes: [429, 503],
            defaultInstruction: 'Later',
          },
        ],
      }),
      '= agent "Store agent": no changes\n',
    ],
    [
      'a foreign data action tool is kept and counted',
      agent([AINV]),
      remoteAgent({ tools: [tool('inv-1'), { ...tool('theirs'), name: 'weather' }] }),
      '= agent "Store agent": no changes (keeps 1 action not managed here)\n',
    ],
    [
      'a managed action tool no longer bound is removed',
      agent([]),
      remoteAgent({ tools: [tool('inv-1')] }),
      '~ agent "Store agent": - check_inventory\n',
    ],
  ])('%s', (_, d, r, line) => {
    expect(agentLine(d, r, BOTH)).toBe(line);
  });

  it('shows a replace as id changes: replaced', () => {
    const rs = refs({ check_inventory: { id: 'inv-2', state: 'replaced', previousId: 'inv-1' } });
    expect(agentLine(agent([AINV]), remoteAgent({ tools: [tool('inv-1')] }), rs)).toBe(
      '~ agent "Store agent": ~ check_inventory (id changes: replaced)\n',
    );
  });
});

describe('bindings plan as JSON', () => {
  it('carries the same changes, the kept ids, and says whether anything changes', () => {
    const plan = planBindings(
      { guides: [guide([INV, ORD])], agents: [] },
      { guides: [remoteGuide([{ id: 'theirs', label: 'W' }])], agents: [] },
      refs({ check_inventory: existing('inv-1'), order_status: { id: undefined, state: 'new' } }),
      MANAGED,
    );
    expect(hasBindingChanges(plan)).toBe(true);
    expect(JSON.parse(JSON.stringify(bindingsPlanToJson(plan)))).toEqual({
      guides: [
        {
          kind: 'guide',
          name: 'Store assistant',
          id: 'g1',
          changes: [
            { kind: 'add', tool: 'check_inventory', id: 'inv-1' },
            { kind: 'add', tool: 'order_status' },
          ],
          kept: ['theirs'],
        },
      ],
      agents: [],
    });
  });
});
