/**
 * Genesys wire conventions shared by every route: the `ErrorBody` (reference §4), page-number
 * listings (reference §5) and body parsing that answers a Genesys-style 400 instead of crashing.
 */
import type { z } from 'zod';

/** One `details[]` entry of an ErrorBody. */
export interface ErrorDetailWire {
  readonly errorCode?: string;
  readonly fieldName?: string;
  readonly entityId?: string;
  readonly entityName?: string;
}

/** The Genesys `ErrorBody` (reference §4). */
export interface ErrorBodyWire {
  readonly message: string;
  readonly code: string;
  readonly status: number;
  readonly contextId?: string;
  readonly messageWithParams?: string;
  readonly messageParams?: Readonly<Record<string, string>>;
  readonly details?: readonly ErrorDetailWire[];
  readonly errors?: readonly Omit<ErrorBodyWire, 'contextId'>[];
  readonly entityId?: string;
  readonly entityName?: string;
  /** Which limit was hit (reference §4). */
  readonly limit?: LimitRefWire;
}

/** The `limit` of an ErrorBody: which limit a 429 hit (reference §4). */
export interface LimitRefWire {
  readonly key: string;
  readonly namespace: string;
  readonly value: number;
}

/** Extra fields of an API failure besides status, code and message. */
export interface ApiFailureExtras {
  readonly details?: readonly ErrorDetailWire[];
  readonly errors?: readonly Omit<ErrorBodyWire, 'contextId'>[];
  readonly messageParams?: Readonly<Record<string, string>>;
  readonly messageWithParams?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly limit?: LimitRefWire;
}

/**
 * An answer of the emulated platform that is not a success. Thrown inside routes; the emulator's
 * one error handler turns it into an `ErrorBody` with the request's correlation id.
 */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly extras: ApiFailureExtras;
  constructor(status: number, code: string, message: string, extras: ApiFailureExtras = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extras = extras;
  }

  /** The wire body, stamped with the correlation id. */
  toBody(contextId: string): ErrorBodyWire {
    const { details, errors, messageParams, messageWithParams, limit } = this.extras;
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      contextId,
      ...(messageWithParams === undefined ? {} : { messageWithParams }),
      ...(messageParams === undefined ? {} : { messageParams }),
      ...(details === undefined ? {} : { details }),
      ...(errors === undefined ? {} : { errors }),
      ...(limit === undefined ? {} : { limit }),
    };
  }
}

/** 404 `not.found` for an entity id. */
export function notFound(what: string, id: string): ApiFailure {
  return new ApiFailure(404, 'not.found', `${what} ${id} not found`, {
    details: [{ entityId: id }],
  });
}

/** 400 `bad.request` with an optional list of details. */
export function badRequest(message: string, details?: readonly ErrorDetailWire[]): ApiFailure {
  return new ApiFailure(400, 'bad.request', message, details === undefined ? {} : { details });
}

/** 409 `general.resource.conflict` for a stale version (reference §4). */
export function versionConflict(id: string, expected: number, got: unknown): ApiFailure {
  return new ApiFailure(
    409,
    'general.resource.conflict',
    `Resource conflict - Unexpected version was provided. Expected version ${expected}, got ${JSON.stringify(got)}.`,
    { details: [{ entityId: id, fieldName: 'version' }] },
  );
}

/**
 * Parses a request body with a zod schema; a mismatch becomes 400 `bad.request` naming each field
 * (unknown fields included, as the schemas are strict).
 * @throws ApiFailure 400 bad.request.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  if (body === undefined || body === null) {
    throw badRequest(`The request body is required for ${what}.`);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = issue.path.map(String).join('.');
    const field =
      keys.length > 0 ? keys.map((k) => (path === '' ? k : `${path}.${k}`)).join(',') : path;
    return { errorCode: 'INVALID_FIELD', fieldName: field === '' ? '(body)' : field };
  });
  const summary = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
  throw badRequest(`Invalid ${what}: ${summary}`, details);
}

/** A Genesys page-number listing (reference §5). */
export interface ListingWire<T> {
  readonly entities: readonly T[];
  readonly pageSize: number;
  readonly pageNumber: number;
  readonly total: number;
  readonly pageCount: number;
  readonly firstUri: string;
  readonly selfUri: string;
  readonly lastUri: string;
  readonly nextUri?: string;
  readonly previousUri?: string;
}

/** Paging query as the emulator reads it. */
export interface PageQuery {
  readonly pageSize: number;
  readonly pageNumber: number;
}

/**
 * Reads `pageSize` (1–max, default 25) and `pageNumber` (≥ 1, default 1) from a query.
 * @throws ApiFailure 400 bad.request for a value out of range.
 */
export function readPageQuery(
  query: Readonly<Record<string, unknown>>,
  maxPageSize = 500,
): PageQuery {
  const read = (name: string, fallback: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw badRequest(`${name} must be an integer from 1 to ${max}; got ${JSON.stringify(raw)}.`, [
        { errorCode: 'INVALID_PARAMETER', fieldName: name },
      ]);
    }
    return n;
  };
  return {
    pageSize: read('pageSize', 25, maxPageSize),
    pageNumber: read('pageNumber', 1, 1_000_000),
  };
}

/**
 * Cuts one page out of `items` and builds the listing with its URIs; `basePath` carries the
 * query parameters other than paging (kept in every URI).
 */
export function pageOf<T>(
  items: readonly T[],
  page: PageQuery,
  basePath: string,
  extraQuery: Readonly<Record<string, string>> = {},
): ListingWire<T> {
  const total = items.length;
  const pageCount = Math.max(1, Math.ceil(total / page.pageSize));
  const start = (page.pageNumber - 1) * page.pageSize;
  const uri = (n: number): string => {
    const q = new URLSearchParams({
      ...extraQuery,
      pageSize: String(page.pageSize),
      pageNumber: String(n),
    });
    return `${basePath}?${q.toString()}`;
  };
  return {
    entities: items.slice(start, start + page.pageSize),
    pageSize: page.pageSize,
    pageNumber: page.pageNumber,
    total,
    pageCount,
    firstUri: uri(1),
    selfUri: uri(page.pageNumber),
    lastUri: uri(pageCount),
    ...(page.pageNumber < pageCount ? { nextUri: uri(page.pageNumber + 1) } : {}),
    ...(page.pageNumber > 1 ? { previousUri: uri(page.pageNumber - 1) } : {}),
  };
}
