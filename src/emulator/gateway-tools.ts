/**
 * The gateway tools contract (DESIGN "Gateway tools contract"): project-specific, NOT a Genesys
 * Cloud API (reference §0), served in the same conventions (ErrorBody, page listings, versions).
 * `POST .../tools/{id}/invoke` calls the tool's executionEndpoint with the invocation envelope,
 * signed Standard-Webhooks style when the emulator has a signing secret.
 */
import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import type { GatewayToolRecord } from './state.js';
import { timedFetch, networkFailureMessage } from './timed-fetch.js';
import type { ErrorDetailWire } from './wire.js';
import { ApiFailure, badRequest, notFound, pageOf, parseBody, readPageQuery } from './wire.js';

const ROUTE = '/api/v2/ai/assistant/tools';
const INVOKE_TIMEOUT_MS = 60_000;

const ToolPayloadSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$'),
  description: z.string().min(1).max(255),
  schema: z.record(z.string(), z.unknown()),
  executionEndpoint: z.url({ protocol: /^https?$/ }),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int().min(1),
      burstSize: z.number().int().min(1).optional(),
    })
    .optional(),
  managedBy: z.string().min(1).max(256).optional(),
  /** PUT may carry the version it read; a stale one is a 409. */
  version: z.number().int().optional(),
});

const InvokeSchema = z.strictObject({
  parameters: z.record(z.string(), z.unknown()),
  conversation_id: z.string().optional(),
  user_id: z.string().optional(),
});

// ownProperties: a property named like an Object.prototype member is never found by inheritance.
const ajv = new Ajv2020({ strict: false, allErrors: true, ownProperties: true });

/** Findings of a tool's input schema: must be a valid 2020-12 object schema without $ref. Pure. */
export function schemaFindings(
  schema: Readonly<Record<string, unknown>>,
): readonly ErrorDetailWire[] {
  const details: ErrorDetailWire[] = [];
  if (schema['type'] !== 'object')
    details.push({ errorCode: 'INVALID_SCHEMA', fieldName: 'schema.type' });
  if (JSON.stringify(schema).includes('"$ref"'))
    details.push({ errorCode: 'INVALID_SCHEMA', fieldName: 'schema.$ref' });
  const valid = ajv.validateSchema(schema);
  if (valid !== true) {
    for (const e of ajv.errors ?? []) {
      details.push({
        errorCode: 'INVALID_SCHEMA',
        fieldName: `schema${e.instancePath.replace(/\//g, '.')}`,
      });
    }
  }
  return details;
}

type ToolPayload = z.output<typeof ToolPayloadSchema>;

function withoutVersion(payload: ToolPayload): Omit<ToolPayload, 'version'> {
  const { name, description, schema, executionEndpoint, rateLimit, managedBy } = payload;
  return {
    name,
    description,
    schema,
    executionEndpoint,
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(managedBy === undefined ? {} : { managedBy }),
  };
}

function wire(record: GatewayToolRecord): Record<string, unknown> {
  const { dateCreatedMs, dateModifiedMs, ...rest } = record;
  return {
    ...rest,
    dateCreated: new Date(dateCreatedMs).toISOString(),
    dateModified: new Date(dateModifiedMs).toISOString(),
    selfUri: `${ROUTE}/${record.id}`,
  };
}

type IdParams = { Params: { id: string } };

/** Registers the gateway tools routes. */
export function registerGatewayToolRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const tools = ctx.store.state.gatewayTools;
  const get = (id: string): GatewayToolRecord => {
    const record = tools.get(id);
    if (record === undefined) throw notFound('Tool', id);
    return record;
  };
  const readPayload = (body: unknown) => {
    const payload = parseBody(ToolPayloadSchema, body, 'tool');
    const findings = schemaFindings(payload.schema);
    if (findings.length > 0) {
      throw badRequest(
        `The tool schema is not a valid JSON Schema 2020-12 object schema without $ref.`,
        findings,
      );
    }
    return payload;
  };
  const refuseTakenName = (name: string, exceptId?: string): void => {
    const holder = [...tools.values()].find((t) => t.name === name && t.id !== exceptId);
    if (holder !== undefined) {
      throw new ApiFailure(
        409,
        'general.conflict',
        `A tool named "${name}" already exists (${holder.id}).`,
        {
          details: [
            { errorCode: 'NAME_TAKEN', fieldName: 'name', entityId: holder.id, entityName: name },
          ],
        },
      );
    }
  };

  app.get(ROUTE, (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const page = readPageQuery(request.query as Readonly<Record<string, unknown>>, 100);
    const all = [...tools.values()].sort((a, b) => a.name.localeCompare(b.name)).map(wire);
    return pageOf(all, page, ROUTE);
  });

  app.post(ROUTE, (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:add');
    const payload = withoutVersion(readPayload(request.body));
    refuseTakenName(payload.name);
    const nowMs = ctx.deps.clock.nowMs();
    const record: GatewayToolRecord = {
      ...payload,
      id: ctx.newId(),
      version: 1,
      status: 'active',
      dateCreatedMs: nowMs,
      dateModifiedMs: nowMs,
    };
    tools.set(record.id, record);
    ctx.store.save();
    return reply.code(201).send(wire(record));
  });

  app.get<IdParams>(`${ROUTE}/:id`, (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    return wire(get(request.params.id));
  });

  app.put<IdParams>(`${ROUTE}/:id`, (request) => {
    ctx.requirePermission(request, 'integrations:action:edit');
    const current = get(request.params.id);
    const parsed = readPayload(request.body);
    const version = parsed.version;
    const payload = withoutVersion(parsed);
    if (version !== undefined && version !== current.version) {
      throw new ApiFailure(
        409,
        'general.resource.conflict',
        `Resource conflict - Unexpected version was provided. Expected version ${String(current.version)}.`,
        {
          details: [{ entityId: current.id, fieldName: 'version' }],
        },
      );
    }
    refuseTakenName(payload.name, current.id);
    const record: GatewayToolRecord = {
      ...payload,
      id: current.id,
      version: current.version + 1,
      status: 'active',
      dateCreatedMs: current.dateCreatedMs,
      dateModifiedMs: ctx.deps.clock.nowMs(),
    };
    tools.set(record.id, record);
    ctx.store.save();
    return wire(record);
  });

  app.delete<IdParams>(`${ROUTE}/:id`, (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:delete');
    get(request.params.id);
    tools.delete(request.params.id);
    ctx.store.save();
    return reply.code(204).send();
  });

  app.post<IdParams>(`${ROUTE}/:id/invoke`, async (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:execute');
    const tool = get(request.params.id);
    const input = parseBody(InvokeSchema, request.body, 'invocation');
    const correlationId = ctx.info(request).correlationId;
    const payload = JSON.stringify({
      tool_name: tool.name,
      parameters: input.parameters,
      ...(input.conversation_id === undefined ? {} : { conversation_id: input.conversation_id }),
      ...(input.user_id === undefined ? {} : { user_id: input.user_id }),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'ININ-Correlation-Id': correlationId,
      'ININ-Organization-Id': ctx.options.organizationId,
      ...signatureHeaders(ctx, correlationId, payload),
    };
    const outcome = await timedFetch(
      ctx.deps,
      { url: tool.executionEndpoint, method: 'POST', headers, body: payload },
      INVOKE_TIMEOUT_MS,
    );
    switch (outcome.kind) {
      case 'timeout':
        throw new ApiFailure(
          504,
          'request.timeout',
          `The tool endpoint did not answer within ${String(INVOKE_TIMEOUT_MS / 1000)} seconds.`,
        );
      case 'error':
        throw new ApiFailure(
          502,
          'bad.gateway',
          `The tool endpoint cannot be reached: ${networkFailureMessage(outcome.error)}.`,
        );
      case 'response': {
        let body: unknown;
        try {
          body = JSON.parse(outcome.text) as unknown;
        } catch {
          throw new ApiFailure(
            502,
            'bad.gateway',
            `The tool endpoint answered ${String(outcome.status)} with a body that is not JSON.`,
          );
        }
        const retryAfter = outcome.headers['retry-after'];
        if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
        return reply.code(outcome.status).send(body);
      }
    }
  });
}

// Standard Webhooks: webhook-id, webhook-timestamp (seconds) and a v1 HMAC over
// "id.timestamp.body"; the id is the correlation id so a replay check can key on it.
function signatureHeaders(
  ctx: EmulatorContext,
  messageId: string,
  payload: string,
): Record<string, string> {
  const secret = ctx.options.gatewaySigningSecret;
  if (secret === undefined) return {};
  const at = new Date(ctx.deps.clock.nowMs());
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, payload),
  };
}
