/**
 * Data action drafts (reference §7.1): create, list, get, PATCH with the draft's version, delete,
 * validation, and publish with `version`. A draft of a published action may not change its
 * contract (§7.3).
 */
import type { FastifyInstance } from 'fastify';
import {
  actionAccess,
  actionWire,
  carriedQuery,
  filterActions,
  listingShowFrom,
  PatchDraftSchema,
  PostDraftSchema,
  PublishSchema,
  schemaFile,
  showFrom,
  templateFile,
} from './action-helpers.js';
import type { IdParams } from './action-helpers.js';
import { duplicateNameFailure, findSameName } from './action-names.js';
import type { EmulatorContext } from './context.js';
import { checkContract, contractFailure } from './contract.js';
import type { ActionBody, ActionRecord } from './state.js';
import type { ErrorBodyWire } from './wire.js';
import {
  ApiFailure,
  badRequest,
  pageOf,
  parseBody,
  readPageQuery,
  versionConflict,
} from './wire.js';

type FileParams = { Params: { id: string; fileName: string } };

/** Registers the draft routes (their templates and schemas included). */
export function registerDraftRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { actions, getPublished, getDraft, checkIntegration, refuseContract, save, query } =
    actionAccess(ctx);

  app.get('/api/v2/integrations/actions/drafts', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const q = query(request);
    const page = readPageQuery(q, 500);
    const drafts = [...actions.values()].flatMap((record) =>
      record.draft === undefined ? [] : [{ record, body: record.draft }],
    );
    const show = listingShowFrom(q);
    const items = filterActions(drafts, q).map(({ record, body }) =>
      actionWire(record, body, show, true),
    );
    return pageOf(items, page, '/api/v2/integrations/actions/drafts', carriedQuery(q));
  });

  app.post('/api/v2/integrations/actions/drafts', (request) => {
    ctx.requirePermission(request, 'integrations:action:add');
    const input = parseBody(PostDraftSchema, request.body, 'action draft');
    checkIntegration(input.integrationId);
    const findings = checkContract(input.contract, ctx.schemas);
    if (findings.length > 0) throw contractFailure(findings);
    const { integrationId, config, ...rest } = input;
    const draft: ActionBody = { ...rest, ...(config === undefined ? {} : { config }), version: 1 };
    const record: ActionRecord = { id: ctx.newId(), integrationId, draft };
    save(record);
    return actionWire(record, draft, { contract: true, config: true }, true);
  });

  app.post<IdParams>('/api/v2/integrations/actions/:id/draft', (request) => {
    ctx.requirePermission(request, 'integrations:action:add');
    const { record, body } = getPublished(request.params.id);
    if (record.draft !== undefined) {
      throw new ApiFailure(409, 'general.conflict', `Action ${record.id} already has a draft.`, {
        details: [{ entityId: record.id }],
      });
    }
    const draft: ActionBody = { ...body, version: 1 };
    save({ ...record, draft });
    return actionWire(record, draft, { contract: true, config: true }, true);
  });

  app.get<IdParams>('/api/v2/integrations/actions/:id/draft', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { record, body } = getDraft(request.params.id);
    return actionWire(record, body, showFrom(query(request)), true);
  });

  app.get<FileParams>(
    '/api/v2/integrations/actions/:id/draft/templates/:fileName',
    (request, reply) => {
      ctx.requirePermission(request, 'integrations:action:view');
      const { body } = getDraft(request.params.id);
      return reply
        .type('text/plain; charset=utf-8')
        .send(templateFile(body, request.params.fileName, request.params.id));
    },
  );

  app.get<FileParams>('/api/v2/integrations/actions/:id/draft/schemas/:fileName', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { body } = getDraft(request.params.id);
    return schemaFile(body, request.params.fileName, request.params.id);
  });

  app.patch<IdParams>('/api/v2/integrations/actions/:id/draft', (request) => {
    ctx.requirePermission(request, 'integrations:action:edit');
    const { record, body } = getDraft(request.params.id);
    const input = parseBody(PatchDraftSchema, request.body, 'draft update');
    if (input.version !== body.version)
      throw versionConflict(record.id, body.version, input.version);
    if (record.published !== undefined) {
      const changed =
        (input.contract !== undefined &&
          JSON.stringify(input.contract) !== JSON.stringify(record.published.contract)) ||
        (input.secure !== undefined && input.secure !== record.published.secure);
      if (changed) refuseContract(request.body);
    }
    if (input.contract !== undefined) {
      const findings = checkContract(input.contract, ctx.schemas);
      if (findings.length > 0) throw contractFailure(findings);
    }
    const next: ActionBody = {
      ...body,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.category === undefined ? {} : { category: input.category }),
      ...(input.config === undefined ? {} : { config: input.config }),
      ...(input.contract === undefined ? {} : { contract: input.contract }),
      ...(input.secure === undefined ? {} : { secure: input.secure }),
      version: body.version + 1,
    };
    save({ ...record, draft: next });
    return actionWire(record, next, { contract: true, config: true }, true);
  });

  app.delete<IdParams>('/api/v2/integrations/actions/:id/draft', (request, reply) => {
    ctx.requirePermission(request, 'integrations:action:delete');
    const { record } = getDraft(request.params.id);
    if (record.published === undefined) {
      actions.delete(record.id);
      ctx.store.save();
    } else {
      save(withoutDraft(record));
    }
    return reply.code(204).send();
  });

  app.get<IdParams>('/api/v2/integrations/actions/:id/draft/validation', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const { record, body } = getDraft(request.params.id);
    const errors = draftErrors(ctx, record, body);
    return { valid: errors.length === 0, errors };
  });

  app.post<IdParams>('/api/v2/integrations/actions/:id/draft/publish', (request) => {
    ctx.requirePermission(request, 'integrations:action:add');
    const { record, body } = getDraft(request.params.id);
    const input = parseBody(PublishSchema, request.body, 'publish request');
    if (input.version !== body.version)
      throw versionConflict(record.id, body.version, input.version);
    const errors = draftErrors(ctx, record, body);
    const sameName = ctx.options.uniqueActionNames
      ? findSameName(actions.values(), record.integrationId, body.name, record.id)
      : undefined;
    if (sameName !== undefined)
      throw duplicateNameFailure(body.name, record.integrationId, sameName);
    if (errors.length > 0) {
      throw badRequest(
        `The draft of action ${record.id} is not valid: ${errors.map((e) => e.message).join(' ')}`,
        [{ errorCode: 'ACTION.PROCESSING', entityId: record.id }],
      );
    }
    const published: ActionBody = { ...body, version: (record.published?.version ?? 0) + 1 };
    save({ ...withoutDraft(record), published });
    return actionWire(record, published, { contract: true, config: true });
  });
}

function withoutDraft(record: ActionRecord): ActionRecord {
  return record.published === undefined
    ? { id: record.id, integrationId: record.integrationId }
    : { id: record.id, integrationId: record.integrationId, published: record.published };
}

/** What keeps a draft from being published (the validation endpoint's `errors`). */
function draftErrors(
  ctx: EmulatorContext,
  record: ActionRecord,
  body: ActionBody,
): readonly ErrorBodyWire[] {
  const errors: ErrorBodyWire[] = checkContract(body.contract, ctx.schemas).map((f) => ({
    message: f.message,
    code: 'INVALID_SCHEMA',
    status: 400,
    details: [{ errorCode: 'ACTION.PROCESSING', fieldName: f.field }],
  }));
  if (body.config === undefined) {
    errors.push({
      message: 'config.request is required before publishing.',
      code: 'MISSING_CONFIG',
      status: 400,
    });
  }
  if (!ctx.store.state.integrations.has(record.integrationId)) {
    errors.push({
      message: `Integration ${record.integrationId} does not exist.`,
      code: 'INVALID_INTEGRATION',
      status: 400,
    });
  }
  if (
    record.published !== undefined &&
    JSON.stringify(record.published.contract) !== JSON.stringify(body.contract)
  ) {
    errors.push({
      message: 'The contract of a published action cannot be changed.',
      code: 'CONTRACT_IMMUTABLE',
      status: 400,
    });
  }
  return errors;
}
