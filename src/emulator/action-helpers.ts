/**
 * What the data action routes share: body schemas, the wire form of an action, listing filters,
 * and lookups over the store (reference §7.1–7.3).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import { getIntegration } from './integrations.js';
import type { ActionBody, ActionConfig, ActionRecord } from './state.js';
import { ActionConfigSchema, ContractSchema } from './state.js';
import { badRequest, notFound } from './wire.js';

/** Body of POST /actions (PostActionInput, reference §7.2). */
export const PostActionSchema = z.strictObject({
  name: z.string().min(1).max(256),
  category: z.string().min(1).max(256),
  integrationId: z.string().min(1),
  secure: z.boolean().default(false),
  contract: ContractSchema,
  config: ActionConfigSchema,
});

/** Body of POST /actions/drafts: config may come later. */
export const PostDraftSchema = PostActionSchema.extend({ config: ActionConfigSchema.optional() });

/** Body of PATCH /actions/{id}: no contract (reference §7.1). */
export const PatchActionSchema = z.strictObject({
  version: z.number().int(),
  name: z.string().min(1).max(256).optional(),
  category: z.string().min(1).max(256).optional(),
  config: ActionConfigSchema.optional(),
});

/** Body of PATCH /actions/{id}/draft. */
export const PatchDraftSchema = PatchActionSchema.extend({
  contract: ContractSchema.optional(),
  secure: z.boolean().optional(),
});

/** Body of POST /actions/{id}/draft/publish. */
export const PublishSchema = z.strictObject({ version: z.number().int() });

/** Route params with an action id. */
export type IdParams = { Params: { id: string } };

/** Which parts of an action to show. */
export interface ShowOptions {
  readonly contract: boolean;
  readonly config: boolean;
}

/** Which parts a single GET shows, from `expand` and `includeConfig`. Pure. */
export function showFrom(query: Readonly<Record<string, unknown>>): ShowOptions {
  const expand = typeof query['expand'] === 'string' ? query['expand'].split(',') : [];
  return { contract: expand.includes('contract'), config: query['includeConfig'] === 'true' };
}

/**
 * Which parts a listing shows: `includeConfig` only. The listings take no `expand` and carry no
 * contract (reference §10.1), so `expand=contract` is ignored there. Pure.
 */
export function listingShowFrom(query: Readonly<Record<string, unknown>>): ShowOptions {
  return { contract: false, config: query['includeConfig'] === 'true' };
}

/**
 * The config as the platform returns it: templates only as `requestTemplateUri` /
 * `successTemplateUri`, never inline (reference §10.1); the text is served by
 * `GET {base}/templates/{file}`. Pure.
 */
export function configWire(config: ActionConfig, base: string): Record<string, unknown> {
  const { requestUrlTemplate, requestType, headers } = config.request;
  const { translationMap, translationMapDefaults } = config.response;
  return {
    timeoutSeconds: config.timeoutSeconds ?? 60,
    request: {
      requestUrlTemplate,
      requestType,
      headers,
      requestTemplateUri: `${base}/templates/requesttemplate.vm`,
    },
    response: {
      translationMap,
      translationMapDefaults,
      successTemplateUri: `${base}/templates/successtemplate.vm`,
    },
  };
}

/** An action (published or draft form) as the API returns it. */
export function actionWire(
  record: ActionRecord,
  body: ActionBody,
  show: ShowOptions,
  draft = false,
): Record<string, unknown> {
  const base = `/api/v2/integrations/actions/${record.id}${draft ? '/draft' : ''}`;
  const contract = show.contract
    ? body.contract
    : {
        input: { inputSchemaUri: `${base}/schemas/inputschema.json` },
        output: { successSchemaUri: `${base}/schemas/successschema.json` },
      };
  const config =
    show.config && body.config !== undefined ? configWire(body.config, base) : undefined;
  return {
    id: record.id,
    name: body.name,
    integrationId: record.integrationId,
    category: body.category,
    contract,
    version: body.version,
    secure: body.secure,
    ...(config === undefined ? {} : { config }),
    selfUri: base,
  };
}

/**
 * The text of a template file of an action body (`requesttemplate.vm`, `successtemplate.vm`).
 * @throws ApiFailure 404 not.found for another file name.
 */
export function templateFile(body: ActionBody, fileName: string, id: string): string {
  switch (fileName) {
    case 'requesttemplate.vm':
      return body.config?.request.requestTemplate ?? '${input.rawRequest}';
    case 'successtemplate.vm':
      return body.config?.response.successTemplate ?? '${rawResult}';
    default:
      throw notFound(`Template ${fileName} of action`, id);
  }
}

/**
 * A contract schema file of an action body (`inputschema.json`, `successschema.json`).
 * @throws ApiFailure 404 not.found for another file name.
 */
export function schemaFile(
  body: ActionBody,
  fileName: string,
  id: string,
): Record<string, unknown> {
  switch (fileName) {
    case 'inputschema.json':
      return body.contract.input.inputSchema;
    case 'successschema.json':
      return body.contract.output.successSchema;
    default:
      throw notFound(`Schema ${fileName} of action`, id);
  }
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
export function carriedQuery(query: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k !== 'pageSize' && k !== 'pageNumber' && typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Lookups and writes over the stored actions, each throwing the platform's answer. */
export interface ActionAccess {
  readonly actions: Map<string, ActionRecord>;
  /** @throws ApiFailure 404 not.found */
  readonly getRecord: (id: string) => ActionRecord;
  /** @throws ApiFailure 404 not.found when there is no published form */
  readonly getPublished: (id: string) => { record: ActionRecord; body: ActionBody };
  /** @throws ApiFailure 404 not.found when there is no draft */
  readonly getDraft: (id: string) => { record: ActionRecord; body: ActionBody };
  /** @throws ApiFailure 400 bad.request unless a custom-rest-actions integration */
  readonly checkIntegration: (integrationId: string) => void;
  /** @throws ApiFailure 400 bad.request when the body carries contract or secure */
  readonly refuseContract: (body: unknown) => void;
  readonly save: (record: ActionRecord) => void;
  readonly query: (request: FastifyRequest) => Readonly<Record<string, unknown>>;
}

/** Builds the action lookups of one emulator. */
export function actionAccess(ctx: EmulatorContext): ActionAccess {
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
  return {
    actions,
    getRecord,
    getPublished,
    getDraft,
    checkIntegration,
    refuseContract,
    save,
    query,
  };
}
