/**
 * Data actions (reference §7.1): the real "tool registration" API of Genesys Cloud. Published
 * actions (a POST creates and publishes in one step), execute and test. The draft endpoints are
 * not wrapped: nothing of ours edits drafts (the emulator serves them for other clients).
 */
import { z } from 'zod';
import type { CreateOptions, ListOptions } from './integrations-api.js';
import { createOptions, signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import type { Answered, ResponseMeta } from './parse-wire.js';
import { parseAnswer, parseWire, responseMeta } from './parse-wire.js';
import type { CallOptions, Transport } from './transport.js';
import {
  ActionEntityListingWireSchema,
  ActionWireSchema,
  TestExecutionResultWireSchema,
} from './wire.js';
import type {
  ActionWire,
  PatchActionInputWire,
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
  /**
   * Creates and publishes an action in one step; the answer's `lastResponse` has the correlation
   * id. A failed POST is not retried unless `idempotent`.
   */
  create(input: PostActionInputWire, options?: CreateOptions): Promise<Answered<ActionWire>>;
  /** Updates name, category or config with the current `version`; a stale one gives GENESYS_CONFLICT. */
  patch(
    id: string,
    input: PatchActionInputWire,
    options?: CallOptions,
  ): Promise<Answered<ActionWire>>;
  /** Deletes an action; answers the status and correlation id. @throws GenesysNotFoundError */
  remove(id: string, options?: CallOptions): Promise<ResponseMeta>;
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
  const writeAction = async (
    method: 'POST' | 'PATCH',
    route: string,
    body: unknown,
    params: Readonly<Record<string, string>>,
    options: CreateOptions,
  ): Promise<Answered<ActionWire>> =>
    parseAnswer(
      ActionWireSchema,
      await transport.send({ method, route, params, body, ...createOptions(options) }),
      `${method} ${route}`,
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
    get: async (id, options = {}) =>
      parseWire(
        ActionWireSchema,
        await transport.send({
          method: 'GET',
          route: `${ROUTE}/{id}`,
          params: { id },
          query: {
            expand: (options.expand ?? 'contract') === 'contract' ? 'contract' : undefined,
            includeConfig: options.includeConfig ?? true,
          },
          ...signalOf(options),
        }),
        `GET ${ROUTE}/{id}`,
      ),
    create: (input, options = {}) => writeAction('POST', ROUTE, input, {}, options),
    patch: (id, input, options = {}) =>
      writeAction('PATCH', `${ROUTE}/{id}`, input, { id }, options),
    remove: async (id, options = {}) =>
      responseMeta(
        await transport.send({
          method: 'DELETE',
          route: `${ROUTE}/{id}`,
          params: { id },
          ...signalOf(options),
        }),
      ),
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
    test: async (id, input, options = {}) =>
      parseWire(
        TestExecutionResultWireSchema,
        await transport.send({
          method: 'POST',
          route: `${ROUTE}/{id}/test`,
          params: { id },
          body: input,
          ...createOptions(options),
        }),
        `POST ${ROUTE}/{id}/test`,
      ),
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
