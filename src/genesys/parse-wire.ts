/** Narrowing of answer bodies to wire shapes at the edge (STYLE §3: outside data is `unknown`). */
import type { z } from 'zod';
import { GenesysApiError } from '../errors.js';
import type { SendResponse } from './send.js';

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
