/**
 * Published data actions (reference §7.1–7.3): list with filters and paging, create-and-publish
 * with Genesys' contract checks, get, PATCH with optimistic versions (contract immutable),
 * delete, templates and schemas. Duplicate names are accepted (§7.2).
 */
import type { FastifyInstance } from 'fastify';
import type { ActionRecord } from './state.js';
import {
  actionAccess,
  actionWire,
  carriedQuery,
  filterActions,
  PatchActionSchema,
  PostActionSchema,
  showFrom,
} from './action-helpers.js';
import type { IdParams } from './action-helpers.js';
import type { EmulatorContext } from './context.js';
import { checkContract, contractFailure } from './contract.js';
import type { ActionBody } from './state.js';
import { notFound, pageOf, parseBody, readPageQuery, versionConflict } from './wire.js';

/** Registers the published-action routes (drafts: drafts.ts; execute and test: execute.ts). */
export function registerDataActionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { actions, getRecord, getPublished, checkIntegration, refuseContract, save, query } =
    actionAccess(ctx);

  app.get('/api/v2/integrations/actions', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const q = query(request);
    const page = readPageQuery(q, 500);
    const published = [...actions.values()].flatMap((record) =>
      record.published === undefined ? [] : [{ record, body: record.published }],
    );
    const show = showFrom(q);
    const items = filterActions(published, q).map(({ record, body }) =>
      actionWire(record, body, show),
    );
    return pageOf(items, page, '/api/v2/integrations/actions', carriedQuery(q));
  });

  app.post('/api/v2/integrations/actions', (request) => {
    ctx.requirePermission(request, 'integrations:action:add');
    const input = parseBody(PostActionSchema, request.body, 'action');
    checkIntegration(input.integrationId);
    const findings = checkContract(input.contract, ctx.schemas);
    if (findings.length > 0) throw contractFailure(findings);
    const { integrationId, ...rest } = input;
    const record: ActionRecord = {
      id: ctx.newId(),
      integrationId,
      published: { ...rest, version: 1 },
    };
    save(record);
    return actionWire(record, { ...rest, version: 1 }, { contract: true, config: true });
  });

  app.get('/api/v2/integrations/actions/categories', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const page = readPageQuery(query(request), 500);
    const names = [
      ...new Set(
        [...actions.values()].flatMap((r) =>
          r.published === undefined ? [] : [r.published.category],
        ),
      ),
    ];
    return pageOf(
      names.sort().map((name) => ({ name })),
      page,
      '/api/v2/integrations/actions/categories',
    );
  });

  app.get<IdParams>('/api/v2/integrations/actions/:id', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { record, body } = getPublished(request.params.id);
    return actionWire(record, body, showFrom(query(request)));
  });

  app.patch<IdParams>('/api/v2/integrations/actions/:id', (request) => {
    ctx.requirePermission(request, 'integrations:action:edit');
    const { record, body } = getPublished(request.params.id);
    refuseContract(request.body);
    const input = parseBody(PatchActionSchema, request.body, 'action update');
    if (input.version !== body.version)
      throw versionConflict(record.id, body.version, input.version);
    const next: ActionBody = {
      ...body,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.category === undefined ? {} : { category: input.category }),
      ...(input.config === undefined ? {} : { config: input.config }),
      version: body.version + 1,
    };
    save({ ...record, published: next });
    return actionWire(record, next, { contract: true, config: true });
  });

  app.delete<IdParams>('/api/v2/integrations/actions/:id', (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:delete');
    getRecord(request.params.id);
    actions.delete(request.params.id);
    ctx.store.save();
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string; fileName: string } }>(
    '/api/v2/integrations/actions/:id/templates/:fileName',
    (request, reply) => {
      ctx.requirePermission(request, 'integrations:action:view');
      const { body } = getPublished(request.params.id);
      return reply
        .type('text/plain; charset=utf-8')
        .send(templateFile(body, request.params.fileName, request.params.id));
    },
  );

  app.get<{ Params: { id: string; fileName: string } }>(
    '/api/v2/integrations/actions/:id/schemas/:fileName',
    (request) => {
      ctx.requirePermission(request, 'integrations:action:view');
      const { body } = getPublished(request.params.id);
      return schemaFile(body, request.params.fileName, request.params.id);
    },
  );
}

function templateFile(body: ActionBody, fileName: string, id: string): string {
  switch (fileName) {
    case 'requesttemplate.vm':
      return body.config?.request.requestTemplate ?? '${input.rawRequest}';
    case 'successtemplate.vm':
      return body.config?.response.successTemplate ?? '${rawResult}';
    default:
      throw notFound(`Template ${fileName} of action`, id);
  }
}

function schemaFile(body: ActionBody, fileName: string, id: string): Record<string, unknown> {
  switch (fileName) {
    case 'inputschema.json':
      return body.contract.input.inputSchema;
    case 'successschema.json':
      return body.contract.output.successSchema;
    default:
      throw notFound(`Schema ${fileName} of action`, id);
  }
}
