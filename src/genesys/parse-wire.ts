/** Narrowing of answer bodies to wire shapes at the edge (STYLE §3: outside data is `unknown`). */
import type { z } from 'zod';
import { GenesysApiError } from '../errors.js';
import type { SendResponse } from './transport.js';

/** What a write's answer says besides its body: the audit records its correlation id. */
export interface ResponseMeta {
  readonly status: number;
  readonly correlationId: string | undefined;
}

/**
 * A write's parsed answer with its `lastResponse`, as stripe-node gives its resources: the
 * property is not enumerable, so spreading, comparing or serialising the entity never carries it.
 */
export type Answered<T> = T & { readonly lastResponse: ResponseMeta };

/** The status and correlation id of an answer. */
export function responseMeta(response: SendResponse): ResponseMeta {
  return { status: response.status, correlationId: response.correlationId };
}

/**
 * Parses a 2xx body with `schema`.
 * @throws GenesysApiError GENESYS_UNEXPECTED_RESPONSE naming the call and the first bad field.
 */
export function parseWire<S extends z.ZodType>(
  schema: S,
  response: SendResponse,
  call: string,
): z.output<S> {
  const parsed = schema.safeParse(response.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw new GenesysApiError(
    'GENESYS_UNEXPECTED_RESPONSE',
    `${call} answered ${response.status} with an unexpected ${where}: ${issue?.message ?? 'invalid'}`,
    {
      status: response.status,
      ...(response.correlationId === undefined ? {} : { correlationId: response.correlationId }),
      details: { field: where },
    },
  );
}

/**
 * `parseWire` for an entity a write answers, with the answer's `lastResponse`.
 * @throws GenesysApiError GENESYS_UNEXPECTED_RESPONSE naming the call and the first bad field.
 */
export function parseAnswer<T extends object>(
  schema: z.ZodType<T>,
  response: SendResponse,
  call: string,
): Answered<T> {
  const entity = parseWire(schema, response, call);
  Object.defineProperty(entity, 'lastResponse', {
    value: responseMeta(response),
    enumerable: false,
  });
  return entity as Answered<T>;
}
