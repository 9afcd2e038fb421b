/**
 * Iteration over page-number listings (reference §5): `pageSize` + 1-based `pageNumber`, stopping
 * on `pageCount` or a missing `nextUri` (Terraform and the SDKs do the same), with a guard
 * against a server that never ends.
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
  /** The page size asked for; used only when the server names neither pageCount nor nextUri. */
  readonly pageSize: number;
  /** Pages after which the listing is declared runaway. */
  readonly maxPages: number;
  /** For the runaway error's message. */
  readonly what: string;
}

/** True when another page follows `page` (number `pageNumber`) of a listing. */
export function hasNextPage<T>(page: PageWire<T>, pageNumber: number, pageSize: number): boolean {
  const count = page.entities?.length ?? 0;
  if (count === 0) return false;
  const byCount = page.pageCount === undefined ? undefined : pageNumber < page.pageCount;
  const byUri =
    'nextUri' in page ? typeof page.nextUri === 'string' && page.nextUri !== '' : undefined;
  if (byCount === undefined && byUri === undefined) return count >= pageSize;
  return (byCount ?? true) && (byUri ?? true);
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
      if (!hasNextPage(page, pageNumber, options.pageSize)) return;
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
