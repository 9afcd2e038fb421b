/**
 * Published data actions (reference §7.1–7.3, §10): list with filters and paging (no `expand`,
 * templates as URIs, a listing lag when configured), create-and-publish with Genesys' contract
 * checks, get, PATCH with optimistic versions (contract immutable), delete, templates (as text)
 * and schemas. Duplicate names are accepted (§7.2) unless `uniqueActionNames` is on.
 */
import type { FastifyInstance } from 'fastify';
import type { ActionRecord } from './state.js';
import {
  actionAccess,
  actionWire,
  carriedQuery,
  filterActions,
  listingShowFrom,
  PatchActionSchema,
  PostActionSchema,
  schemaFile,
  showFrom,
  templateFile,
} from './action-helpers.js';
import type { IdParams } from './action-helpers.js';
import { duplicateNameFailure, findSameName } from './action-names.js';
import type { EmulatorContext } from './context.js';
import { checkContract, contractFailure } from './contract.js';
import { createListingLag } from './listing-lag.js';
import type { ActionBody } from './state.js';
import { notFound, pageOf, parseBody, readPageQuery, versionConflict } from './wire.js';

type FileParams = { Params: { id: string; fileName: string } };

/** Registers the published-action routes (drafts: drafts.ts; execute and test: execute.ts). */
export function registerDataActionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { actions, getRecord, getPublished, checkIntegration, refuseContract, save, query } =
    actionAccess(ctx);
  const lag = createListingLag(ctx.options.listingLagMs);
  const now = (): number => ctx.deps.clock.nowMs();
  const listed = () =>
    lag.listed(
      [...actions.values()].flatMap((record) =>
        record.published === undefined ? [] : [{ record, body: record.published }],
      ),
      now(),
    );
  const checkName = (integrationId: string, name: string, selfId?: string): void => {
    if (!ctx.options.uniqueActionNames) return;
    const existing = findSameName(actions.values(), integrationId, name, selfId);
    if (existing !== undefined) throw duplicateNameFailure(name, integrationId, existing);
  };

  app.get('/api/v2/integrations/actions', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const q = query(request);
    const page = readPageQuery(q, 500);
    const show = listingShowFrom(q);
    const items = filterActions(listed(), q).map(({ record, body }) =>
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
    checkName(input.integrationId, input.name);
    const { integrationId, ...rest } = input;
    const record: ActionRecord = {
      id: ctx.newId(),
      integrationId,
      published: { ...rest, version: 1 },
    };
    save(record);
    lag.created(record.id, now());
    return actionWire(record, { ...rest, version: 1 }, { contract: true, config: true });
  });

  app.get('/api/v2/integrations/actions/categories', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const page = readPageQuery(query(request), 500);
    const names = [...new Set(listed().map(({ body }) => body.category))];
    return pageOf(
      names.sort().map((name) => ({ name })),
      page,
      '/api/v2/integrations/actions/categories',
    );
  });

  app.get<IdParams>('/api/v2/integrations/actions/:id', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { record, body } = getPublished(request.params.id);
    if (!lag.readable(record.id, now())) throw notFound('Action', record.id);
    return actionWire(record, body, showFrom(query(request)));
  });

  app.patch<IdParams>('/api/v2/integrations/actions/:id', (request) => {
    ctx.requirePermission(request, 'integrations:action:edit');
    const { record, body } = getPublished(request.params.id);
    refuseContract(request.body);
    const input = parseBody(PatchActionSchema, request.body, 'action update');
    if (input.version !== body.version)
      throw versionConflict(record.id, body.version, input.version);
    if (input.name !== undefined) checkName(record.integrationId, input.name, record.id);
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
    const record = getRecord(request.params.id);
    actions.delete(record.id);
    ctx.store.save();
    if (record.published !== undefined) lag.deleted({ record, body: record.published }, now());
    return reply.code(204).send();
  });

  // The template text, whatever the Accept header (the provider sends `*/*`, reference §10.1).
  app.get<FileParams>('/api/v2/integrations/actions/:id/templates/:fileName', (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { body } = getPublished(request.params.id);
    return reply
      .type('text/plain; charset=utf-8')
      .send(templateFile(body, request.params.fileName, request.params.id));
  });

  app.get<FileParams>('/api/v2/integrations/actions/:id/schemas/:fileName', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { body } = getPublished(request.params.id);
    return schemaFile(body, request.params.fileName, request.params.id);
  });
}
