import { describe, expect, it } from 'vitest';
import {
  isListedAfterCreate,
  isListedAfterDelete,
  isReadableAfterCreate,
} from '../../src/emulator/listing-lag.js';
import { fakeClock } from '../support/fake-clock.js';
import { strictSetup } from './strict-helpers.js';

const LAG = 1000;

async function lagged() {
  const clock = fakeClock();
  const setup = await strictSetup({ listingLagMs: LAG }, { clock });
  const listedIds = async (query = ''): Promise<string[]> => {
    const res = await setup.call('GET', `/api/v2/integrations/actions${query}`);
    return (res.body['entities'] as { id: string }[]).map((e) => e.id);
  };
  return { ...setup, clock, listedIds };
}

describe('listing lag (reference §10.2)', () => {
  it.each([
    [0, 999, false],
    [0, 1000, true],
    [500, 1600, true],
  ])('isListedAfterCreate(%i, now %i, lag 1000) is %s', (at, now, expected) => {
    expect(isListedAfterCreate(at, now, LAG)).toBe(expected);
  });

  it.each([
    [0, 999, true],
    [0, 1000, false],
  ])('isListedAfterDelete(%i, now %i, lag 1000) is %s', (at, now, expected) => {
    expect(isListedAfterDelete(at, now, LAG)).toBe(expected);
  });

  it.each([
    [0, 499, false],
    [0, 500, true],
  ])('isReadableAfterCreate(%i, now %i, lag 1000) is %s', (at, now, expected) => {
    expect(isReadableAfterCreate(at, now, LAG)).toBe(expected);
  });

  it('lists a created action only after the lag; GET by id finds it after half the lag', async () => {
    const { call, create, clock, listedIds } = await lagged();
    const id = await create();
    expect(await listedIds()).toEqual([]);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(404);
    await clock.advance(LAG / 2);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(200);
    expect(await listedIds()).toEqual([]);
    await clock.advance(LAG / 2);
    expect(await listedIds()).toEqual([id]);
  });

  it('keeps listing a deleted action until the lag has passed, while GET by id answers 404', async () => {
    const { call, create, clock, listedIds } = await lagged();
    const id = await create({ name: 'doomed' });
    await clock.advance(LAG);
    expect((await call('DELETE', `/api/v2/integrations/actions/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(404);
    expect(await listedIds('?name=doomed')).toEqual([id]);
    await clock.advance(LAG - 1);
    expect(await listedIds()).toEqual([id]);
    await clock.advance(1);
    expect(await listedIds()).toEqual([]);
  });

  it('lets a just-created action be executed and patched before it is listed', async () => {
    const { call, create } = await lagged();
    const id = await create();
    const patched = await call('PATCH', `/api/v2/integrations/actions/${id}`, {
      version: 1,
      category: 'moved',
    });
    expect(patched.status).toBe(200);
  });

  it('is strictly consistent by default (listingLagMs 0)', async () => {
    const clock = fakeClock();
    const { call, create } = await strictSetup({}, { clock });
    const id = await create();
    const listing = await call('GET', '/api/v2/integrations/actions');
    expect(listing.body['total']).toBe(1);
    expect((await call('GET', `/api/v2/integrations/actions/${id}`)).status).toBe(200);
    await call('DELETE', `/api/v2/integrations/actions/${id}`);
    expect((await call('GET', '/api/v2/integrations/actions')).body['total']).toBe(0);
  });
});
