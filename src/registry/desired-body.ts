/**
 * The bodies a registry sends, narrowed from `DesiredEntry.body` (target-neutral, `unknown` fields)
 * to the typed client's input shapes. `desired()` always makes a valid one; a saved plan is read
 * back as JSON, so an edited file is caught here, naming the field, before anything is sent.
 */
import { z } from 'zod';
import type { TargetName } from '../definition/index.js';
import { SyncError } from '../errors.js';
import type { DesiredEntry } from './registry.js';

const record = z.record(z.string(), z.unknown());
const strings = z.record(z.string(), z.string());

/** `PostActionInput` (reference §7.2) as a desired data action carries it. */
export const DataActionBodySchema = z.looseObject({
  name: z.string(),
  category: z.string(),
  integrationId: z.string(),
  secure: z.boolean().optional(),
  contract: z.looseObject({
    input: z.looseObject({ inputSchema: record }),
    output: z.looseObject({ successSchema: record }),
  }),
  config: z
    .looseObject({
      timeoutSeconds: z.number().optional(),
      request: z.looseObject({
        requestUrlTemplate: z.string(),
        requestType: z.enum(['GET', 'PUT', 'POST', 'PATCH', 'DELETE']),
        headers: strings.optional(),
        requestTemplate: z.string().optional(),
      }),
      response: z.looseObject({
        translationMap: strings.optional(),
        translationMapDefaults: strings.optional(),
        successTemplate: z.string().optional(),
      }),
    })
    .optional(),
});

/** The gateway tool payload (DESIGN "Gateway tools contract") as a desired gateway tool carries it. */
export const GatewayToolBodySchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  schema: record,
  executionEndpoint: z.string(),
  rateLimit: z.looseObject({ requestsPerMinute: z.number(), burstSize: z.number().optional() }),
  managedBy: z.string(),
});

/**
 * `desired.body` parsed with `schema`.
 * @throws SyncError SYNC_PLAN_FILE_INVALID naming the tool and the first bad field.
 */
export function parseDesiredBody<S extends z.ZodType>(
  schema: S,
  desired: DesiredEntry,
  target: TargetName,
): z.output<S> {
  const parsed = schema.safeParse(desired.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw new SyncError(
    'SYNC_PLAN_FILE_INVALID',
    `the desired ${target} body of "${desired.name}" is malformed at ${field}: ${issue?.message ?? 'invalid'} (an edited saved plan?)`,
    { details: { tool: desired.name, field } },
  );
}
