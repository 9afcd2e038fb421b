/**
 * Integrations and credentials (reference §7.0): create/list/get integrations, PATCH to enable,
 * config/current with its version, and credentials whose secret fields are never returned.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReportedCode } from './activation.js';
import { createActivation, settledCode } from './activation.js';
import type { EmulatorContext } from './context.js';
import type { CredentialRecord, IntegrationRecord } from './state.js';
import { badRequest, notFound, pageOf, parseBody, readPageQuery, versionConflict } from './wire.js';

const INTEGRATION_TYPES = ['custom-rest-actions', 'purecloud-data-actions'] as const;

const CreateIntegrationSchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  integrationType: z.strictObject({ id: z.enum(INTEGRATION_TYPES) }),
  notes: z.string().optional(),
});

const PatchIntegrationSchema = z.strictObject({
  intendedState: z.enum(['ENABLED', 'DISABLED']).optional(),
  name: z.string().min(1).max(256).optional(),
  notes: z.string().optional(),
});

const ConfigSchema = z.strictObject({
  name: z.string().min(1).max(256),
  version: z.number().int(),
  properties: z.record(z.string(), z.unknown()).default({}),
  advanced: z.record(z.string(), z.unknown()).default({}),
  notes: z.string().default(''),
  credentials: z.record(z.string(), z.looseObject({ id: z.string().min(1) })).default({}),
});

const CREDENTIAL_TYPES = [
  'basicAuth',
  'userDefined',
  'userDefinedOAuth',
  'pureCloudOAuthClient',
] as const;

const CredentialSchema = z
  .strictObject({
    name: z.string().min(1).max(256),
    type: z.strictObject({ name: z.enum(CREDENTIAL_TYPES) }),
    credentialFields: z.record(z.string(), z.string()),
  })
  .superRefine((value, issue) => {
    if (value.type.name === 'basicAuth' && value.credentialFields['userName'] === undefined) {
      issue.addIssue({
        code: 'custom',
        path: ['credentialFields', 'userName'],
        message: 'basicAuth needs userName',
      });
    }
  });

/** The integration as the API returns it. */
export function integrationWire(
  record: IntegrationRecord,
  reported: ReportedCode = settledCode(record),
): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    integrationType: {
      id: record.integrationTypeId,
      selfUri: `/api/v2/integrations/types/${record.integrationTypeId}`,
    },
    notes: record.notes,
    intendedState: record.intendedState,
    config: {
      current: { id: record.id, selfUri: `/api/v2/integrations/${record.id}/config/current` },
    },
    reportedState: {
      code: reported,
      effective: '',
      detail: {},
      lastUpdated: new Date(record.dateModifiedMs).toISOString(),
    },
    attributes: {},
    selfUri: `/api/v2/integrations/${record.id}`,
  };
}

function configWire(record: IntegrationRecord): Record<string, unknown> {
  return { ...record.config, selfUri: `/api/v2/integrations/${record.id}/config/current` };
}

// GET redacts sensitive fields (reference §7.0): the emulator returns field names only.
function credentialWire(record: CredentialRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    type: { name: record.typeName },
    credentialFields: Object.fromEntries(Object.keys(record.fields).map((k) => [k, '*****'])),
    selfUri: `/api/v2/integrations/credentials/${record.id}`,
  };
}

/** The integration with `id`, or 404. */
export function getIntegration(ctx: EmulatorContext, id: string): IntegrationRecord {
  const record = ctx.store.state.integrations.get(id);
  if (record === undefined) throw notFound('Integration', id);
  return record;
}

/** Registers integration and credential routes. */
export function registerIntegrationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const state = ctx.store.state;
  const { clock } = ctx.deps;
  const activation = createActivation();

  app.get('/api/v2/integrations', (request) => {
    ctx.requirePermission(request, 'integrations:integration:view');
    const page = readPageQuery(request.query as Record<string, unknown>, 100);
    const all = [...state.integrations.values()].map((r) =>
      integrationWire(r, activation.code(r, 'peek')),
    );
    return pageOf(all, page, '/api/v2/integrations');
  });

  app.post('/api/v2/integrations', (request, reply) => {
    ctx.requirePermission(request, 'integrations:integration:add');
    const body = parseBody(CreateIntegrationSchema, request.body, 'integration');
    const id = ctx.newId();
    const name = body.name ?? body.integrationType.id;
    const record: IntegrationRecord = {
      id,
      name,
      integrationTypeId: body.integrationType.id,
      notes: body.notes ?? '',
      intendedState: 'DISABLED',
      dateModifiedMs: clock.nowMs(),
      config: {
        name,
        version: 1,
        properties: {},
        advanced: {},
        notes: body.notes ?? '',
        credentials: {},
      },
    };
    state.integrations.set(id, record);
    ctx.store.save();
    return reply.code(200).send(integrationWire(record));
  });

  app.get<{ Params: { id: string } }>('/api/v2/integrations/:id', (request) => {
    ctx.requirePermission(request, 'integrations:integration:view');
    const record = getIntegration(ctx, request.params.id);
    return integrationWire(record, activation.code(record, 'read'));
  });

  app.patch<{ Params: { id: string } }>('/api/v2/integrations/:id', (request) => {
    ctx.requirePermission(request, 'integrations:integration:edit');
    const record = getIntegration(ctx, request.params.id);
    const body = parseBody(PatchIntegrationSchema, request.body, 'integration update');
    const next: IntegrationRecord = {
      ...record,
      ...(body.intendedState === undefined ? {} : { intendedState: body.intendedState }),
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.notes === undefined ? {} : { notes: body.notes }),
      dateModifiedMs: clock.nowMs(),
    };
    state.integrations.set(record.id, next);
    ctx.store.save();
    if (record.intendedState !== 'ENABLED' && next.intendedState === 'ENABLED') {
      activation.enabled(next.id);
    }
    return integrationWire(next, activation.code(next, 'peek'));
  });

  app.delete<{ Params: { id: string } }>('/api/v2/integrations/:id', (request, reply) => {
    ctx.requirePermission(request, 'integrations:integration:delete');
    const record = getIntegration(ctx, request.params.id);
    state.integrations.delete(record.id);
    for (const [actionId, action] of state.actions) {
      if (action.integrationId === record.id) state.actions.delete(actionId);
    }
    ctx.store.save();
    return reply.code(200).send(integrationWire(record));
  });

  app.get<{ Params: { id: string } }>('/api/v2/integrations/:id/config/current', (request) => {
    ctx.requirePermission(request, 'integrations:integration:view');
    return configWire(getIntegration(ctx, request.params.id));
  });

  app.put<{ Params: { id: string } }>('/api/v2/integrations/:id/config/current', (request) => {
    ctx.requirePermission(request, 'integrations:integration:edit');
    const record = getIntegration(ctx, request.params.id);
    const body = parseBody(ConfigSchema, request.body, 'integration configuration');
    if (body.version !== record.config.version)
      throw versionConflict(record.id, record.config.version, body.version);
    const credentials: Record<string, { id: string }> = {};
    for (const [slot, ref] of Object.entries(body.credentials)) {
      if (!state.credentials.has(ref.id)) {
        throw badRequest(`Credential ${ref.id} in slot ${slot} does not exist.`, [
          {
            errorCode: 'INVALID_CREDENTIAL',
            fieldName: `credentials.${slot}.id`,
            entityId: ref.id,
          },
        ]);
      }
      credentials[slot] = { id: ref.id };
    }
    const next: IntegrationRecord = {
      ...record,
      name: body.name,
      dateModifiedMs: clock.nowMs(),
      config: {
        name: body.name,
        version: record.config.version + 1,
        properties: body.properties,
        advanced: body.advanced,
        notes: body.notes,
        credentials,
      },
    };
    state.integrations.set(record.id, next);
    ctx.store.save();
    return configWire(next);
  });

  app.get('/api/v2/integrations/credentials', (request) => {
    ctx.requirePermission(request, 'integrations:integration:view');
    const page = readPageQuery(request.query as Record<string, unknown>, 100);
    return pageOf(
      [...state.credentials.values()].map(credentialWire),
      page,
      '/api/v2/integrations/credentials',
    );
  });

  app.post('/api/v2/integrations/credentials', (request) => {
    ctx.requirePermission(request, 'integrations:integration:add');
    const body = parseBody(CredentialSchema, request.body, 'credential');
    const record: CredentialRecord = {
      id: ctx.newId(),
      name: body.name,
      typeName: body.type.name,
      fields: body.credentialFields,
    };
    state.credentials.set(record.id, record);
    ctx.store.save();
    return credentialWire(record);
  });

  app.get<{ Params: { id: string } }>('/api/v2/integrations/credentials/:id', (request) => {
    ctx.requirePermission(request, 'integrations:integration:view');
    const record = state.credentials.get(request.params.id);
    if (record === undefined) throw notFound('Credential', request.params.id);
    return credentialWire(record);
  });

  app.put<{ Params: { id: string } }>('/api/v2/integrations/credentials/:id', (request) => {
    ctx.requirePermission(request, 'integrations:integration:edit');
    const record = state.credentials.get(request.params.id);
    if (record === undefined) throw notFound('Credential', request.params.id);
    const body = parseBody(CredentialSchema, request.body, 'credential');
    const next: CredentialRecord = {
      id: record.id,
      name: body.name,
      typeName: body.type.name,
      fields: body.credentialFields,
    };
    state.credentials.set(record.id, next);
    ctx.store.save();
    return credentialWire(next);
  });

  app.delete<{ Params: { id: string } }>(
    '/api/v2/integrations/credentials/:id',
    (request, reply) => {
      ctx.requirePermission(request, 'integrations:integration:delete');
      if (!state.credentials.delete(request.params.id))
        throw notFound('Credential', request.params.id);
      ctx.store.save();
      return reply.code(204).send();
    },
  );
}
