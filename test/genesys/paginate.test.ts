import { describe, expect, it } from 'vitest';
import { GenesysApiError } from '../../src/errors.js';
import { paginate } from '../../src/genesys/index.js';
import { hasNextPage } from '../../src/genesys/paginate.js';
import type { PageWire } from '../../src/genesys/index.js';

/** A listing of `total` numbers served the Genesys way. */
function listing(total: number, pageSize: number) {
  const calls: number[] = [];
  const fetchPage = async (pageNumber: number): Promise<PageWire<number>> => {
    calls.push(pageNumber);
    const pageCount = Math.ceil(total / pageSize);
    const start = (pageNumber - 1) * pageSize;
    const entities = Array.from(
      { length: Math.max(0, Math.min(pageSize, total - start)) },
      (_, i) => start + i,
    );
    return {
      entities,
      pageSize,
      pageNumber,
      total,
      pageCount,
      ...(pageNumber < pageCount ? { nextUri: `/x?pageNumber=${pageNumber + 1}` } : {}),
    };
  };
  return { fetchPage, calls };
}

describe('paginate', () => {
  it.each([
    [0, 25, 1],
    [1, 25, 1],
    [25, 25, 1],
    [50, 25, 2],
    [51, 25, 3],
    [100, 25, 4],
  ])('reads %d entities with page size %d in %d requests', async (total, pageSize, requests) => {
    const { fetchPage, calls } = listing(total, pageSize);
    const all = await paginate(fetchPage, { pageSize, maxPages: 100, what: 'test' }).collect();
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(calls).toHaveLength(requests);
  });

  it('iterates lazily with for await', async () => {
    const { fetchPage, calls } = listing(100, 10);
    const seen: number[] = [];
    for await (const n of paginate(fetchPage, { pageSize: 10, maxPages: 100, what: 'test' })) {
      seen.push(n);
      if (n === 14) break;
    }
    expect(seen).toHaveLength(15);
    expect(calls).toEqual([1, 2]);
  });

  it('stops a server that never ends with GENESYS_PAGING_RUNAWAY', async () => {
    const runaway = async (pageNumber: number): Promise<PageWire<number>> => ({
      entities: [pageNumber],
      pageNumber,
      pageCount: Number.MAX_SAFE_INTEGER,
      nextUri: '/next',
    });
    const error = await paginate(runaway, { pageSize: 1, maxPages: 50, what: 'GET /x' })
      .collect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error).toMatchObject({ code: 'GENESYS_PAGING_RUNAWAY' });
  });

  it.each<[string, PageWire<number>, number, boolean]>([
    ['pageCount says more', { entities: [1], pageCount: 3 }, 1, true],
    ['last page by pageCount', { entities: [1], pageCount: 3 }, 3, false],
    ['nextUri present', { entities: [1], nextUri: '/n' }, 1, true],
    // Reference §10.1: nextUri is not trusted either way; an empty page or pageCount ends it.
    ['nextUri null, no pageCount: until an empty page', { entities: [1], nextUri: null }, 1, true],
    [
      'nextUri missing though pageCount says more',
      { entities: [1], pageCount: 3, nextUri: undefined },
      1,
      true,
    ],
    [
      'nextUri present on the last page by pageCount',
      { entities: [1], pageCount: 3, nextUri: '/n' },
      3,
      false,
    ],
    ['empty page', { entities: [], pageCount: 3, nextUri: '/n' }, 1, false],
    ['no hints, full page', { entities: [1, 2] }, 1, true],
    ['no hints, short page: until an empty page', { entities: [1] }, 1, true],
  ])('%s: another page follows is %s', (_, page, pageNumber, expected) => {
    expect(hasNextPage(page, pageNumber)).toBe(expected);
  });
});
