import { describe, expect, it } from 'vitest';
import { bindingsUsage, findConsumers } from '../../src/bindings/index.js';
import { renderUsage } from '../../src/cli/commands/list.js';
import { startFakeStudio } from './support/fake-studio.js';

describe('who uses an action', () => {
  it('lists other guides, agents and flows, but not the configured ones', async () => {
    const studio = await startFakeStudio();
    const mine = studio.addGuide('Store assistant', {
      resources: { dataActions: [{ id: 'inv-1', label: 'Inv' }] },
    });
    const myAgent = studio.addAgent('Store agent', {
      tools: [{ type: 'DataAction', name: 'inv', target: { id: 'inv-1' } }],
    });
    const other = studio.addGuide('Returns helper', {
      resources: { dataActions: [{ id: 'inv-1', label: 'Inv' }] },
    });
    studio.addFlow('Main IVR', ['inv-1']);
    studio.addFlow('Unrelated', ['ord-1']);

    const consumers = await findConsumers(studio.client, 'inv-1', {
      guides: [{ id: mine }],
      agents: [{ id: myAgent }],
    });
    expect(consumers).toEqual([
      { type: 'GUIDE', id: other, name: 'Returns helper', versions: ['1'] },
      expect.objectContaining({ type: 'INBOUNDCALLFLOW', name: 'Main IVR', versions: [] }),
    ]);
    const calls = studio.server.apiCalls().map((c) => c.url);
    expect(calls).toContainEqual(expect.stringContaining('id=inv-1&objectType=DATAACTION'));
  });

  it('folds the versions of one guide into one consumer and maps every action id for list', async () => {
    const studio = await startFakeStudio();
    studio.addGuide('Store assistant', {
      resources: { dataActions: [{ id: 'inv-1', label: 'Inv' }] },
    });
    studio.addFlow('Main IVR', ['inv-1']);
    const usage = await bindingsUsage(studio.client, ['inv-1', 'ord-1']);
    expect(renderUsage(usage.get('inv-1'))).toBe('guide "Store assistant", flow "Main IVR"');
    expect(renderUsage(usage.get('ord-1'))).toBe('-');
    expect(renderUsage(undefined)).toBe('?');
  });
});
