import { describe, expect, it } from 'vitest';
import { page, scriptedClient } from './support/api-client.js';

describe('agentic virtual agents API', () => {
  it('finds agents by exact name', async () => {
    const { client, server } = await scriptedClient(() =>
      page([
        { id: 'a1', name: 'Store agent' },
        { id: 'a2', name: 'Store agent (old)' },
      ]),
    );
    expect((await client.agents.findByName('Store agent')).map((a) => a.id)).toEqual(['a1']);
    expect(server.apiCalls()[0]?.path).toBe('/api/v2/agentic/virtualagents');
  });

  it('reads a version keeping the definition keys it does not know', async () => {
    const definition = {
      role: 'helper',
      tools: [{ type: 'ExternalA2AServer', name: 'a2a', target: { id: 's1' }, skills: ['x'] }],
      settings: { comfortStatement: { enabled: true } },
    };
    const { client } = await scriptedClient(() => ({
      status: 200,
      body: { id: 'v1', version: '1.0', status: 'ProductionReady', definition },
    }));
    const version = await client.agents.getVersion('a1', 'v1');
    expect(version.definition).toEqual(definition);
  });

  it('creates and patches a draft, publishes it and follows the job to Failed', async () => {
    const { client, server, run } = await scriptedClient((call) => {
      if (call.path.endsWith('/jobs'))
        return { status: 202, body: { id: 'j1', status: 'InProgress' } };
      if (call.path.includes('/jobs/')) {
        return {
          status: 200,
          body: {
            id: 'j1',
            status: 'Failed',
            errors: [{ code: 'invalid.data.actions', message: 'gone' }],
          },
        };
      }
      return { status: 200, body: { id: 'v2', status: 'Draft', definition: { tools: [] } } };
    });
    const draft = await client.agents.createVersion('a1', { definition: { tools: [] } });
    await client.agents.patchVersion('a1', draft.id, { definition: { role: 'r' } });
    await expect(run(client.agents.publish('a1', draft.id))).rejects.toMatchObject({
      code: 'GENESYS_JOB_FAILED',
      details: { errors: ['invalid.data.actions: gone'] },
    });
    expect(
      server
        .apiCalls()
        .map((c) => [
          c.method,
          c.path,
          c.body === '' ? undefined : (JSON.parse(c.body) as unknown),
        ]),
    ).toEqual([
      ['POST', '/api/v2/agentic/virtualagents/a1/versions', { definition: { tools: [] } }],
      ['PATCH', '/api/v2/agentic/virtualagents/a1/versions/v2', { definition: { role: 'r' } }],
      [
        'POST',
        '/api/v2/agentic/virtualagents/a1/versions/v2/jobs',
        { virtualAgentVersion: { status: 'ProductionReady' } },
      ],
      ['GET', '/api/v2/agentic/virtualagents/a1/versions/v2/jobs/j1', undefined],
    ]);
  });
});
