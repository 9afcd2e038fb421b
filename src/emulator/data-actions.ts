/**
 * Data actions (reference §7.1–7.3): published actions with optimistic versions, drafts, publish,
 * validation, templates, and Genesys' contract checks. Duplicate names are accepted (§7.2).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import { checkContract, contractFailure } from './contract.js';
import { getIntegration } from './integrations.js';
import type { ActionBody, ActionRecord } from './state.js';
import { ActionConfigSchema, ContractSchema } from './state.js';
import type { ErrorBodyWire } from './wire.js';
import {
  ApiFailure,
  badRequest,
  notFound,
  pageOf,
  parseBody,
  readPageQuery,
  versionConflict,
} from './wire.js';

const PostActionSchema = z.strictObject({
  name: z.string().min(1).max(256),
  category: z.string().min(1).max(256),
  integrationId: z.string().min(1),
  secure: z.boolean().default(false),
  contract: ContractSchema,
  config: ActionConfigSchema,
});

const PostDraftSchema = PostActionSchema.extend({ config: ActionConfigSchema.optional() });

const PatchActionSchema = z.strictObject({
  version: z.number().int(),
  name: z.string().min(1).max(256).optional(),
  category: z.string().min(1).max(256).optional(),
  config: ActionConfigSchema.optional(),
});

const PatchDraftSchema = PatchActionSchema.extend({
  contract: ContractSchema.optional(),
  secure: z.boolean().optional(),
});

const PublishSchema = z.strictObject({ version: z.number().int() });

type IdParams = { Params: { id: string } };

/** Which parts of an action to show. */
interface ShowOptions {
  readonly contract: boolean;
  readonly config: boolean;
}

function showFrom(query: Readonly<Record<string, unknown>>): ShowOptions {
  const expand = typeof query['expand'] === 'string' ? query['expand'].split(',') : [];
  return { contract: expand.includes('contract'), config: query['includeConfig'] === 'true' };
}

/** An action (published or draft form) as the API returns it. */
export function actionWire(
  record: ActionRecord,
  body: ActionBody,
  show: ShowOptions,
  draft = false,
): Record<string, unknown> {
  const self = draft
    ? `/api/v2/integrations/actions/${record.id}/draft`
    : `/api/v2/integrations/actions/${record.id}`;
  const base = `/api/v2/integrations/actions/${record.id}${draft ? '/draft' : ''}`;
  const contract = show.contract
    ? body.contract
    : {
        input: { inputSchemaUri: `${base}/schemas/inputschema.json` },
        output: { successSchemaUri: `${base}/schemas/successschema.json` },
      };
  const config =
    show.config && body.config !== undefined
      ? {
          ...body.config,
          timeoutSeconds: body.config.timeoutSeconds ?? 60,
          request: {
            ...body.config.request,
            requestTemplateUri: `${base}/templates/requesttemplate.vm`,
          },
          response: {
            ...body.config.response,
            successTemplateUri: `${base}/templates/successtemplate.vm`,
          },
        }
      : undefined;
  return {
    id: record.id,
    name: body.name,
    integrationId: record.integrationId,
    category: body.category,
    contract,
    version: body.version,
    secure: body.secure,
    ...(config === undefined ? {} : { config }),
    selfUri: self,
  };
}

function sortActions(
  items: readonly { record: ActionRecord; body: ActionBody }[],
  sortBy: string,
  order: string,
): readonly { record: ActionRecord; body: ActionBody }[] {
  const key = (item: { record: ActionRecord; body: ActionBody }): string =>
    sortBy === 'category' ? item.body.category : sortBy === 'id' ? item.record.id : item.body.name;
  const sorted = [...items].sort(
    (a, b) => key(a).localeCompare(key(b)) || a.record.id.localeCompare(b.record.id),
  );
  return order.toUpperCase() === 'DESC' ? sorted.reverse() : sorted;
}

/** Filters of the action listings (reference §5). Pure. */
export function filterActions(
  items: readonly { record: ActionRecord; body: ActionBody }[],
  query: Readonly<Record<string, unknown>>,
): readonly { record: ActionRecord; body: ActionBody }[] {
  const str = (k: string): string | undefined =>
    typeof query[k] === 'string' && query[k] !== '' ? query[k] : undefined;
  const category = str('category');
  const name = str('name')?.toLowerCase();
  const ids = str('ids')?.split(',');
  const secure = str('secure');
  const integrationId = str('integrationId');
  if (ids !== undefined && ids.length > 50) {
    throw badRequest('ids accepts at most 50 ids.', [
      { errorCode: 'INVALID_PARAMETER', fieldName: 'ids' },
    ]);
  }
  const filtered = items.filter(
    ({ record, body }) =>
      (category === undefined || body.category === category) &&
      (name === undefined || body.name.toLowerCase().includes(name)) &&
      (ids === undefined || ids.includes(record.id)) &&
      (secure === undefined || String(body.secure) === secure) &&
      (integrationId === undefined || record.integrationId === integrationId),
  );
  return sortActions(filtered, str('sortBy') ?? 'name', str('sortOrder') ?? 'ASC');
}

/** A listing's query parameters other than paging, kept in its URIs. */
function carriedQuery(query: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k !== 'pageSize' && k !== 'pageNumber' && typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Registers every /api/v2/integrations/actions route except execute and test. */
export function registerDataActionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const actions = ctx.store.state.actions;
  const getRecord = (id: string): ActionRecord => {
    const record = actions.get(id);
    if (record === undefined) throw notFound('Action', id);
    return record;
  };
  const getPublished = (id: string): { record: ActionRecord; body: ActionBody } => {
    const record = getRecord(id);
    if (record.published === undefined) throw notFound('Action', id);
    return { record, body: record.published };
  };
  const getDraft = (id: string): { record: ActionRecord; body: ActionBody } => {
    const record = getRecord(id);
    if (record.draft === undefined) throw notFound('Draft of action', id);
    return { record, body: record.draft };
  };
  const checkIntegration = (integrationId: string): void => {
    let integration;
    try {
      integration = getIntegration(ctx, integrationId);
    } catch {
      throw badRequest(`Integration ${integrationId} does not exist.`, [
        { errorCode: 'INVALID_INTEGRATION', fieldName: 'integrationId', entityId: integrationId },
      ]);
    }
    if (integration.integrationTypeId !== 'custom-rest-actions') {
      throw badRequest(
        `Integration ${integrationId} is not a Web Services Data Actions integration.`,
        [{ errorCode: 'INVALID_INTEGRATION', fieldName: 'integrationId', entityId: integrationId }],
      );
    }
  };
  const refuseContract = (body: unknown): void => {
    if (typeof body === 'object' && body !== null && ('contract' in body || 'secure' in body)) {
      throw badRequest(
        'The contract (and secure flag) of a published action cannot be changed; create a new action instead.',
        [{ errorCode: 'ACTION.PROCESSING', fieldName: 'contract' in body ? 'contract' : 'secure' }],
      );
    }
  };
  const save = (record: ActionRecord): void => {
    actions.set(record.id, record);
    ctx.store.save();
  };
  const query = (request: FastifyRequest): Readonly<Record<string, unknown>> =>
    request.query as Readonly<Record<string, unknown>>;

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

  app.get('/api/v2/integrations/actions/drafts', (request) => {
    ctx.requirePermission(request, 'integrations:action:view');
    const q = query(request);
    const page = readPageQuery(q, 500);
    const drafts = [...actions.values()].flatMap((record) =>
      record.draft === undefined ? [] : [{ record, body: record.draft }],
    );
    const show = showFrom(q);
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
