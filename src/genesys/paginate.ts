/**
 * Iteration over page-number listings (reference §5, §10.1): `pageSize` + 1-based `pageNumber`,
 * stopping on an empty page or once `pageNumber >= pageCount`. A missing `nextUri` alone does not
 * end a listing (the Terraform provider pages until an empty page and trusts neither field); a
 * guard stops a server that never ends.
 */
import { GenesysApiError } from '../errors.js';
import type { PageWire } from './wire.js';

/** A listing: iterate it with `for await`, or `collect()` every entity. */
export interface Paged<T> extends AsyncIterable<T> {
  collect(): Promise<T[]>;
}

/** Fetches one page (1-based). */
export type FetchPage<T> = (pageNumber: number) => Promise<PageWire<T>>;

/** Options of `paginate`. */
export interface PaginateOptions {
  /** The page size asked for (kept for callers' messages; the end is found by content). */
  readonly pageSize: number;
  /** Pages after which the listing is declared runaway. */
  readonly maxPages: number;
  /** For the runaway error's message. */
  readonly what: string;
}

/**
 * True when another page may follow `page` (number `pageNumber`): the page was not empty and,
 * when the server states `pageCount`, `pageNumber` is below it. `nextUri` is not trusted either
 * way (reference §10.1: the platform's pages may lack it while more follow).
 */
export function hasNextPage<T>(page: PageWire<T>, pageNumber: number): boolean {
  const count = page.entities?.length ?? 0;
  if (count === 0) return false;
  return page.pageCount === undefined || pageNumber < page.pageCount;
}

/** Pages through a listing lazily, one request per page. */
export function paginate<T>(fetchPage: FetchPage<T>, options: PaginateOptions): Paged<T> {
  async function* iterate(): AsyncGenerator<T, void, undefined> {
    for (let pageNumber = 1; ; pageNumber++) {
      if (pageNumber > options.maxPages) {
        throw new GenesysApiError(
          'GENESYS_PAGING_RUNAWAY',
          `${options.what}: the listing did not end after ${options.maxPages} pages; the server keeps announcing more`,
          { status: 200, details: { maxPages: options.maxPages } },
        );
      }
      const page = await fetchPage(pageNumber);
      for (const entity of page.entities ?? []) yield entity;
      if (!hasNextPage(page, pageNumber)) return;
    }
  }
  return {
    [Symbol.asyncIterator]: () => iterate(),
    collect: async () => {
      const all: T[] = [];
      for await (const entity of iterate()) all.push(entity);
      return all;
    },
  };
}
