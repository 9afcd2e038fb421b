import { describe, expect, it } from 'vitest';
import {
  applyBindings,
  planBindings,
  readRemoteBindings,
  renderBindingsPlan,
} from '../../src/bindings/index.js';
import type {
  BindingProgress,
  DesiredBindings,
  ToolRef,
  ToolRefs,
} from '../../src/bindings/index.js';
import { isGenesysToolsError } from '../../src/errors.js';
import { startFakeStudio } from './support/fake-studio.js';
import type { FakeStudio } from './support/fake-studio.js';

const DESIRED: DesiredBindings = {
  guides: [
    {
      kind: 'guide',
      ref: { name: 'Store assistant', id: undefined },
      pointer: '/guides/0',
      tools: [
        { tool: 'check_inventory', label: 'CheckInventory', description: 'Stock levels' },
        { tool: 'order_status', label: 'OrderStatus', description: 'Where an order is' },
      ],
      instruction: 'Use {{Action.CheckInventory}} and {{Action.OrderStatus}}.',
    },
  ],
  agents: [
    {
      kind: 'agent',
      ref: { name: 'Store agent', id: undefined },
      pointer: '/agents/0',
      tools: [
        {
          tool: 'check_inventory',
          description: 'Use when the customer asks whether a product is in stock.',
          errors: [
            { statusCodes: [429], instruction: 'Tell the customer to try again in a minute.' },
          ],
        },
      ],
    },
  ],
};

const refs = (entries: Record<string, ToolRef>): ToolRefs => new Map(Object.entries(entries));
const EXISTING = refs({
  check_inventory: { id: 'inv-1', state: 'existing' },
  order_status: { id: 'ord-1', state: 'existing' },
});
const MANAGED = new Set(['inv-1', 'ord-1']);

async function applyOnce(
  studio: FakeStudio,
  r: ToolRefs,
  managed = MANAGED,
  events: BindingProgress[] = [],
) {
  const remote = await readRemoteBindings(studio.client, DESIRED);
  const plan = planBindings(DESIRED, remote, r, managed);
  const outcomes = await studio.run(
    applyBindings(studio.client, plan, { refs: r, onProgress: (e) => events.push(e) }),
  );
  return { plan, outcomes };
}

function bodyOf(studio: FakeStudio, pathEnd: RegExp): unknown {
  const call = studio.writes().find((c) => c.method === 'POST' && pathEnd.test(c.path));
  return call === undefined ? undefined : JSON.parse(call.body);
}

describe('applyBindings against a scripted AI Studio', () => {
  it('writes a guide version from the published content, keeps foreign actions, publishes and waits', async () => {
    const studio = await startFakeStudio();
    studio.pollsBeforeDone = 3;
    const guideId = studio.addGuide('Store assistant', {
      instruction: 'old',
      variables: [{ name: 'sku', type: 'String', scope: 'Input' }],
      knowledgeSettings: { knowledgeId: 'kb-9' },
      resources: { dataActions: [{ id: 'weather-1', label: 'Weather', description: 'not ours' }] },
    });
    studio.addAgent('Store agent');
    const events: BindingProgress[] = [];
    const { outcomes } = await applyOnce(studio, EXISTING, MANAGED, events);

    expect(bodyOf(studio, new RegExp(`/guides/${guideId}/versions$`))).toEqual({
      instruction: 'Use {{Action.CheckInventory}} and {{Action.OrderStatus}}.',
      variables: [{ name: 'sku', type: 'String', scope: 'Input' }],
      knowledgeSettings: { knowledgeId: 'kb-9' },
      resources: {
        dataActions: [
          { id: 'weather-1', label: 'Weather', description: 'not ours' },
          { id: 'inv-1', label: 'CheckInventory', description: 'Stock levels' },
          { id: 'ord-1', label: 'OrderStatus', description: 'Where an order is' },
        ],
      },
    });
    expect(bodyOf(studio, /\/guides\/[^/]+\/versions\/[^/]+\/jobs$/)).toEqual({
      guideVersion: { state: 'ProductionReady' },
    });
    const jobReads = studio.server
      .apiCalls()
      .filter((c) => c.method === 'GET' && /\/guides\/.+\/jobs\/.+/.test(c.path));
    expect(jobReads).toHaveLength(4);
    expect(studio.publishedGuide(guideId)).toMatchObject({ state: 'ProductionReady' });
    expect(outcomes.map((o) => [o.kind, o.status])).toEqual([
      ['guide', 'published'],
      ['agent', 'published'],
    ]);
    const steps = events.filter((e) => e.status !== 'publishing');
    expect(steps.map((e) => `${e.kind}:${e.status}`)).toEqual([
      'guide:started',
      'guide:published',
      'agent:started',
      'agent:published',
    ]);
    // Each read of a job still running is reported (the CLI shows it as a wait).
    const polls = events.filter((e) => e.status === 'publishing');
    expect(polls.length).toBeGreaterThan(0);
    for (const p of polls) {
      expect(p.status === 'publishing' && p.jobId !== '' && p.jobStatus !== '').toBe(true);
    }
  });

  it('rebuilds the agent DataAction tools, keeps its other tools, and declares errors as types', async () => {
    const studio = await startFakeStudio();
    studio.addGuide('Store assistant');
    const agentId = studio.addAgent('Store agent', {
      role: 'Store helper',
      tools: [
        { type: 'KnowledgeBase', name: 'faq', description: 'FAQ', target: { id: 'kb-1' } },
        { type: 'DataAction', name: 'weather', description: 'theirs', target: { id: 'w-1' } },
        {
          type: 'DataAction',
          name: 'check_inventory',
          description: 'old',
          target: { id: 'inv-1' },
          errors: [{ type: 'old_type' }],
        },
      ],
      types: [
        {
          name: 'old_type',
          type: 'DataActionHttpError',
          statusCodes: [500],
          defaultInstruction: 'x',
        },
        { name: 'Order', type: 'object' },
      ],
    });
    await applyOnce(studio, EXISTING);
    const published = studio.publishedAgent(agentId);
    expect(published?.['definition']).toEqual({
      role: 'Store helper',
      tools: [
        { type: 'KnowledgeBase', name: 'faq', description: 'FAQ', target: { id: 'kb-1' } },
        { type: 'DataAction', name: 'weather', description: 'theirs', target: { id: 'w-1' } },
        {
          type: 'DataAction',
          name: 'check_inventory',
          description: 'Use when the customer asks whether a product is in stock.',
          target: { id: 'inv-1' },
          errors: [{ type: 'check_inventory_http_429' }],
        },
      ],
      types: [
        { name: 'Order', type: 'object' },
        {
          name: 'check_inventory_http_429',
          type: 'DataActionHttpError',
          statusCodes: [429],
          defaultInstruction: 'Tell the customer to try again in a minute.',
        },
      ],
    });
  });

  it('writes nothing the second time', async () => {
    const studio = await startFakeStudio();
    studio.addGuide('Store assistant');
    studio.addAgent('Store agent');
    await applyOnce(studio, EXISTING);
    const writes = studio.writes().length;
    const events: BindingProgress[] = [];
    const { plan, outcomes } = await applyOnce(studio, EXISTING, MANAGED, events);
    expect(renderBindingsPlan(plan)).toBe(
      '= guide "Store assistant": no changes\n= agent "Store agent": no changes\n',
    );
    expect(outcomes.every((o) => o.status === 'unchanged')).toBe(true);
    expect(events.map((e) => e.status)).toEqual(['unchanged', 'unchanged']);
    expect(studio.writes()).toHaveLength(writes);
  });

  it('re-points a replaced action to its new id with the ids known at apply time', async () => {
    const studio = await startFakeStudio();
    const guideId = studio.addGuide('Store assistant');
    const agentId = studio.addAgent('Store agent');
    await applyOnce(studio, EXISTING);
    const replaced = refs({
      check_inventory: { id: 'inv-2', state: 'replaced', previousId: 'inv-1' },
      order_status: { id: 'ord-1', state: 'existing' },
    });
    // At plan time the new id is not known yet: the plan says so.
    const remote = await readRemoteBindings(studio.client, DESIRED);
    const atPlan = refs({
      check_inventory: { id: undefined, state: 'replaced', previousId: 'inv-1' },
      order_status: { id: 'ord-1', state: 'existing' },
    });
    const plan = planBindings(DESIRED, remote, atPlan, MANAGED);
    expect(renderBindingsPlan(plan)).toBe(
      '~ guide "Store assistant": ~ check_inventory (id changes: replaced)\n' +
        '~ agent "Store agent": ~ check_inventory (id changes: replaced)\n',
    );
    await studio.run(applyBindings(studio.client, plan, { refs: replaced }));
    const ids = (
      studio.publishedGuide(guideId)?.['resources'] as { dataActions: { id: string }[] }
    ).dataActions.map((d) => d.id);
    expect(ids).toEqual(['inv-2', 'ord-1']);
    expect(JSON.stringify(studio.publishedAgent(agentId))).toContain('"target":{"id":"inv-2"}');
  });

  it('reports a failed publish with the job errors after trying every guide and agent', async () => {
    const studio = await startFakeStudio();
    const guideId = studio.addGuide('Store assistant');
    const agentId = studio.addAgent('Store agent');
    studio.failNextJob = {
      code: 'invalid.data.actions',
      message: 'There are invalid data actions in the version',
      status: 400,
    };
    const events: BindingProgress[] = [];
    try {
      await applyOnce(studio, EXISTING, MANAGED, events);
      expect.unreachable();
    } catch (error) {
      expect(isGenesysToolsError(error) && error.code).toBe('BINDING_PUBLISH_FAILED');
      const message = error instanceof Error ? error.message : '';
      expect(message).toContain(`guide "Store assistant" (${guideId})`);
      expect(message).toContain(
        'invalid.data.actions: There are invalid data actions in the version',
      );
      expect(message).toContain('run apply again');
    }
    expect(
      events.filter((e) => e.status !== 'publishing').map((e) => `${e.kind}:${e.status}`),
    ).toEqual(['guide:started', 'guide:failed', 'agent:started', 'agent:published']);
    expect(studio.publishedGuide(guideId)).toBeUndefined();
    expect(studio.publishedAgent(agentId)).toBeDefined();
  });

  it('stops waiting for a job after maxWaitMs and says so', async () => {
    const studio = await startFakeStudio();
    studio.addGuide('Store assistant');
    studio.addAgent('Store agent');
    studio.pollsBeforeDone = 1_000_000;
    const remote = await readRemoteBindings(studio.client, DESIRED);
    const plan = planBindings(
      { ...DESIRED, agents: [] },
      { ...remote, agents: [] },
      EXISTING,
      MANAGED,
    );
    const work = applyBindings(studio.client, plan, { refs: EXISTING, maxWaitMs: 10_000 });
    await expect(studio.run(work)).rejects.toMatchObject({
      code: 'BINDING_PUBLISH_FAILED',
      message: expect.stringContaining('GENESYS_JOB_TIMEOUT') as string,
    });
    const reads = studio.server.apiCalls().filter((c) => /\/jobs\/.+/.test(c.path));
    // 500 + 1000 + 2000 + 4000 + 2500 (the rest of the 10 s): five reads after the start.
    expect(reads).toHaveLength(5);
  });
});

describe('readRemoteBindings', () => {
  it('names every missing guide or agent with the fix', async () => {
    const studio = await startFakeStudio();
    studio.addAgent('Store agent');
    await expect(readRemoteBindings(studio.client, DESIRED)).rejects.toMatchObject({
      code: 'BINDING_TARGET_NOT_FOUND',
      message: expect.stringMatching(
        /no guide "Store assistant".*Create it in AI Studio, or name the right one/,
      ) as string,
    });
  });

  it('refuses a name two guides share, listing their ids, and takes a pinned id', async () => {
    const studio = await startFakeStudio();
    const a = studio.addGuide('Store assistant');
    const b = studio.addGuide('Store assistant');
    studio.addAgent('Store agent');
    await expect(readRemoteBindings(studio.client, DESIRED)).rejects.toMatchObject({
      code: 'BINDING_TARGET_AMBIGUOUS',
      message: expect.stringContaining(`ids ${a}, ${b}`) as string,
    });
    const pinned = {
      ...DESIRED,
      guides: DESIRED.guides.map((g) => ({ ...g, ref: { name: undefined, id: b } })),
    };
    const remote = await readRemoteBindings(studio.client, pinned);
    expect(remote.guides[0]?.id).toBe(b);
  });

  it('reports a pinned id that does not exist as not found', async () => {
    const studio = await startFakeStudio();
    studio.addAgent('Store agent');
    const pinned = {
      ...DESIRED,
      guides: DESIRED.guides.map((g) => ({ ...g, ref: { name: undefined, id: 'gone' } })),
    };
    await expect(readRemoteBindings(studio.client, pinned)).rejects.toMatchObject({
      code: 'BINDING_TARGET_NOT_FOUND',
      message: expect.stringContaining('guide id gone does not exist') as string,
    });
  });
});
