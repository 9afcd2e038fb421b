import { describe, expect, it } from 'vitest';
import { GenesysForbiddenError } from '../../src/errors.js';
import { page, scriptedClient } from './support/api-client.js';

const GUIDE = {
  id: 'g1',
  name: 'Store assistant',
  status: 'Published',
  latestProductionReadyVersion: { id: 'v1', version: '1', selfUri: '/x' },
  futureField: { kept: true },
};

describe('guides API', () => {
  it('finds guides by exact name across pages, keeping unknown fields', async () => {
    const { client, server } = await scriptedClient((call) =>
      call.url.includes('pageNumber=1')
        ? page([GUIDE, { ...GUIDE, id: 'g2', name: 'Store assistant 2' }], 1, 2)
        : page([{ ...GUIDE, id: 'g3' }], 2, 2),
    );
    const found = await client.guides.findByName('Store assistant');
    expect(found.map((g) => g.id)).toEqual(['g1', 'g3']);
    expect(found[0]?.['futureField']).toEqual({ kept: true });
    expect(server.apiCalls()[0]?.url).toBe(
      '/api/v2/guides?pageSize=100&name=Store+assistant&pageNumber=1',
    );
  });

  it('creates a version with the body given and starts its publish job', async () => {
    const { client, server } = await scriptedClient((call) =>
      call.path.endsWith('/jobs')
        ? { status: 202, body: { id: 'j1', status: 'InProgress', errors: [] } }
        : { status: 200, body: { id: 'v2', version: '2', state: 'Draft' } },
    );
    const body = { instruction: 'Hi', resources: { dataActions: [{ id: 'a1', label: 'A' }] } };
    const version = await client.guides.createVersion('g 1', body);
    const job = await client.guides.startPublish('g 1', version.id);
    expect(job.status).toBe('InProgress');
    expect(server.apiCalls().map((c) => [c.method, c.path, JSON.parse(c.body) as unknown])).toEqual(
      [
        ['POST', '/api/v2/guides/g%201/versions', body],
        [
          'POST',
          '/api/v2/guides/g%201/versions/v2/jobs',
          { guideVersion: { state: 'ProductionReady' } },
        ],
      ],
    );
  });

  it('publishes and follows the job until it succeeds', async () => {
    const { client, server, run } = await scriptedClient((call, n) =>
      call.method === 'POST'
        ? { status: 202, body: { id: 'j1', status: 'InProgress' } }
        : {
            status: 200,
            body: { id: 'j1', status: n < 3 ? 'InProgress' : 'Succeeded', errors: [] },
          },
    );
    const job = await run(client.guides.publish('g1', 'v2'));
    expect(job.status).toBe('Succeeded');
    expect(server.apiCalls().map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/v2/guides/g1/versions/v2/jobs',
      'GET /api/v2/guides/g1/versions/v2/jobs/j1',
      'GET /api/v2/guides/g1/versions/v2/jobs/j1',
      'GET /api/v2/guides/g1/versions/v2/jobs/j1',
    ]);
  });

  it('maps a 403 to GenesysForbiddenError naming the permission', async () => {
    const { client } = await scriptedClient(() => ({
      status: 403,
      body: {
        status: 403,
        code: 'missing.any.permissions',
        message:
          'Unable to perform the requested action. You must have at least one of the following permissions assigned: [aiStudio:guide:view]',
      },
    }));
    await expect(client.guides.get('g1')).rejects.toBeInstanceOf(GenesysForbiddenError);
  });

  it('refuses a guide body without an id as GENESYS_UNEXPECTED_RESPONSE', async () => {
    const { client } = await scriptedClient(() => ({ status: 200, body: { name: 'no id' } }));
    await expect(client.guides.get('g1')).rejects.toMatchObject({
      code: 'GENESYS_UNEXPECTED_RESPONSE',
    });
  });
});
