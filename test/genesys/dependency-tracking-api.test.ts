import { describe, expect, it } from 'vitest';
import { page, scriptedClient } from './support/api-client.js';

describe('dependency tracking API', () => {
  it('lists what consumes a data action across pages, reading a 206 as a (partial) answer', async () => {
    const { client, server } = await scriptedClient((call) =>
      call.url.includes('pageNumber=1')
        ? {
            ...page([{ id: 'g1', name: 'Store assistant', type: 'GUIDE', version: '1' }], 1, 2),
            status: 206,
          }
        : page([{ id: 'f1', name: 'Main IVR', type: 'INBOUNDCALLFLOW' }], 2, 2),
    );
    const entries = await client.dependencies.consumingResources('act 1').collect();
    expect(entries.map((e) => `${e.type}:${e.id}`)).toEqual(['GUIDE:g1', 'INBOUNDCALLFLOW:f1']);
    expect(server.apiCalls()[0]?.url).toBe(
      '/api/v2/architect/dependencytracking/consumingresources?id=act+1&objectType=DATAACTION&pageSize=100&pageNumber=1',
    );
  });
});
