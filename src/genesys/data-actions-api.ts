/**
 * Data actions (reference §7.1): the real "tool registration" API of Genesys Cloud. Published
 * actions, drafts and publishing, execute and test.
 */
import { z } from 'zod';
import type { CreateOptions, ListOptions } from './integrations-api.js';
import { createOptions, signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import { parseWire } from './parse-wire.js';
import type { CallOptions, Transport } from './send.js';
import {
  ActionEntityListingWireSchema,
  ActionWireSchema,
  TestExecutionResultWireSchema,
} from './wire.js';
import type {
  ActionWire,
  PatchActionInputWire,
  PatchDraftInputWire,
  PostActionInputWire,
  TestExecutionResultWire,
} from './wire.js';

/** Filters of the action listing (reference §5). */
export interface ListActionsOptions extends ListOptions {
  readonly category?: string;
  /** Partial match, as Genesys does it. */
  readonly name?: string;
  readonly includeConfig?: boolean;
}

/** What `get` expands. */
export interface GetActionOptions extends CallOptions {
  /** Default `contract`. */
  readonly expand?: 'contract' | 'none';
  /** Default true. */
  readonly includeConfig?: boolean;
}

/** `/api/v2/integrations/actions`. */
export interface DataActionsApi {
  /** Published actions, paged, filtered by category and (partial) name. */
  list(options?: ListActionsOptions): Paged<ActionWire>;
  /** Reads an action, by default with its contract and config. @throws GenesysNotFoundError */
  get(id: string, options?: GetActionOptions): Promise<ActionWire>;
  /** Creates and publishes an action in one step. A failed POST is not retried unless `idempotent`. */
  create(input: PostActionInputWire, options?: CreateOptions): Promise<ActionWire>;
  /** Updates name, category or config with the current `version`; a stale one gives GENESYS_CONFLICT. */
  patch(id: string, input: PatchActionInputWire, options?: CallOptions): Promise<ActionWire>;
  remove(id: string, options?: CallOptions): Promise<void>;
  /** Creates a draft action (`POST .../actions/drafts`). */
  createDraft(input: PostActionInputWire, options?: CreateOptions): Promise<ActionWire>;
  /** Creates a draft from a published action (`POST .../{id}/draft`). */
  createDraftFrom(id: string, options?: CreateOptions): Promise<ActionWire>;
  getDraft(id: string, options?: GetActionOptions): Promise<ActionWire>;
  /** Updates a draft (contract changes allowed) with its current `version`. */
  patchDraft(id: string, input: PatchDraftInputWire, options?: CallOptions): Promise<ActionWire>;
  /** Publishes the draft whose current version is `version`. */
  publishDraft(id: string, version: number, options?: CallOptions): Promise<ActionWire>;
  /** Executes the published action with `input`; answers the action's output. Never retried unless `idempotent`. */
  execute(
    id: string,
    input: Readonly<Record<string, unknown>>,
    options?: CreateOptions,
  ): Promise<unknown>;
  /** Runs the published action in test mode: every step, with authorization values redacted. */
  test(
    id: string,
    input: Readonly<Record<string, unknown>>,
    options?: CreateOptions,
  ): Promise<TestExecutionResultWire>;
  /** Runs the draft in test mode. */
  testDraft(
    id: string,
    input: Readonly<Record<string, unknown>>,
    options?: CreateOptions,
  ): Promise<TestExecutionResultWire>;
  /**
   * A template's text (`requesttemplate.vm`, `successtemplate.vm`): Genesys answers an action's
   * templates as `*TemplateUri` only (reference §10.1), served as text; asked with `Accept: *\/*`
   * as the Terraform provider does.
   */
  getTemplate(id: string, fileName: string, options?: CallOptions): Promise<string>;
}

const ROUTE = '/api/v2/integrations/actions';

/** Builds the data actions API on a transport. */
export function createDataActionsApi(transport: Transport, maxPages: number): DataActionsApi {
  const getQuery = (options: GetActionOptions): Record<string, string | boolean | undefined> => ({
    expand: (options.expand ?? 'contract') === 'contract' ? 'contract' : undefined,
    includeConfig: options.includeConfig ?? true,
  });
  const readAction = async (
    route: string,
    id: string,
    options: GetActionOptions,
  ): Promise<ActionWire> =>
    parseWire(
      ActionWireSchema,
      await transport.send({
        method: 'GET',
        route,
        params: { id },
        query: getQuery(options),
        ...signalOf(options),
      }),
      `GET ${route}`,
    );
  const writeAction = async (
    method: 'POST' | 'PATCH',
    route: string,
    body: unknown,
    params: Readonly<Record<string, string>>,
    options: CreateOptions,
  ): Promise<ActionWire> =>
    parseWire(
      ActionWireSchema,
      await transport.send({ method, route, params, body, ...createOptions(options) }),
      `${method} ${route}`,
    );

  const runTest = async (
    route: string,
    id: string,
    input: Readonly<Record<string, unknown>>,
    options: CreateOptions,
  ): Promise<TestExecutionResultWire> =>
    parseWire(
      TestExecutionResultWireSchema,
      await transport.send({
        method: 'POST',
        route,
        params: { id },
        body: input,
        ...createOptions(options),
      }),
      `POST ${route}`,
    );

  return {
    list: (options = {}) => {
      const pageSize = options.pageSize ?? 100;
      return paginate(
        async (pageNumber) =>
          parseWire(
            ActionEntityListingWireSchema,
            await transport.send({
              method: 'GET',
              route: ROUTE,
              query: {
                pageSize,
                pageNumber,
                category: options.category,
                name: options.name,
                includeConfig: options.includeConfig,
              },
              ...signalOf(options),
            }),
            `GET ${ROUTE}`,
          ),
        { pageSize, maxPages, what: `GET ${ROUTE}` },
      );
    },
    get: (id, options = {}) => readAction(`${ROUTE}/{id}`, id, options),
    create: (input, options = {}) => writeAction('POST', ROUTE, input, {}, options),
    patch: (id, input, options = {}) =>
      writeAction('PATCH', `${ROUTE}/{id}`, input, { id }, options),
    remove: async (id, options = {}) => {
      await transport.send({
        method: 'DELETE',
        route: `${ROUTE}/{id}`,
        params: { id },
        ...signalOf(options),
      });
    },
    createDraft: (input, options = {}) =>
      writeAction('POST', `${ROUTE}/drafts`, input, {}, options),
    createDraftFrom: (id, options = {}) =>
      writeAction('POST', `${ROUTE}/{id}/draft`, undefined, { id }, options),
    getDraft: (id, options = {}) => readAction(`${ROUTE}/{id}/draft`, id, options),
    patchDraft: (id, input, options = {}) =>
      writeAction('PATCH', `${ROUTE}/{id}/draft`, input, { id }, options),
    publishDraft: (id, version, options = {}) =>
      writeAction('POST', `${ROUTE}/{id}/draft/publish`, { version }, { id }, options),
    execute: async (id, input, options = {}) => {
      const response = await transport.send({
        method: 'POST',
        route: `${ROUTE}/{id}/execute`,
        params: { id },
        body: input,
        ...createOptions(options),
      });
      return response.body;
    },
    test: (id, input, options = {}) => runTest(`${ROUTE}/{id}/test`, id, input, options),
    testDraft: (id, input, options = {}) => runTest(`${ROUTE}/{id}/draft/test`, id, input, options),
    getTemplate: async (id, fileName, options = {}) =>
      parseWire(
        z.string(),
        await transport.send({
          method: 'GET',
          route: `${ROUTE}/{id}/templates/{fileName}`,
          params: { id, fileName },
          accept: '*/*',
          responseType: 'text',
          ...signalOf(options),
        }),
        `GET ${ROUTE}/{id}/templates/{fileName}`,
      ),
  };
}
