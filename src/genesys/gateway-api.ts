/**
 * The gateway tools contract (DESIGN "Gateway tools contract"): a project-specific API that the
 * emulator and compatible LLM gateways implement. It is **not** a Genesys Cloud API (reference §0).
 */
import type { CreateOptions, ListOptions } from './integrations-api.js';
import { createOptions, signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import type { Answered, ResponseMeta } from './parse-wire.js';
import { parseAnswer, parseWire, responseMeta } from './parse-wire.js';
import type { CallOptions, Transport } from './transport.js';
import { GatewayToolWireSchema, entityListingSchema } from './wire.js';
import type { GatewayToolInputWire, GatewayToolWire } from './wire.js';

/** The body of an invocation through the gateway. */
export interface GatewayInvokeInput {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly conversation_id?: string;
  readonly user_id?: string;
}

/** `/api/v2/ai/assistant/tools` (project-specific). */
export interface GatewayToolsApi {
  list(options?: ListOptions): Paged<GatewayToolWire>;
  /** @throws GenesysNotFoundError GENESYS_NOT_FOUND */
  get(id: string, options?: CallOptions): Promise<GatewayToolWire>;
  /**
   * Creates a tool; the answer's `lastResponse` has the correlation id.
   * @throws GenesysConflictError GENESYS_CONFLICT when the name is taken; GenesysValidationError for a bad schema
   */
  create(input: GatewayToolInputWire, options?: CreateOptions): Promise<Answered<GatewayToolWire>>;
  /** Replaces the tool (PUT); the gateway bumps `version`. */
  update(
    id: string,
    input: GatewayToolInputWire,
    options?: CallOptions,
  ): Promise<Answered<GatewayToolWire>>;
  /** Deletes a tool; answers the status and correlation id. @throws GenesysNotFoundError */
  remove(id: string, options?: CallOptions): Promise<ResponseMeta>;
  /** Has the gateway invoke the tool; answers what the gateway returns. Never retried unless `idempotent`. */
  invoke(id: string, input: GatewayInvokeInput, options?: CreateOptions): Promise<unknown>;
}

const ROUTE = '/api/v2/ai/assistant/tools';
const ListingSchema = entityListingSchema(GatewayToolWireSchema);

/** Builds the gateway tools API on a transport. */
export function createGatewayToolsApi(transport: Transport, maxPages: number): GatewayToolsApi {
  return {
    list: (options = {}) => {
      const pageSize = options.pageSize ?? 100;
      return paginate(
        async (pageNumber) =>
          parseWire(
            ListingSchema,
            await transport.send({
              method: 'GET',
              route: ROUTE,
              query: { pageSize, pageNumber },
              ...signalOf(options),
            }),
            `GET ${ROUTE}`,
          ),
        { pageSize, maxPages, what: `GET ${ROUTE}` },
      );
    },
    get: async (id, options = {}) =>
      parseWire(
        GatewayToolWireSchema,
        await transport.send({
          method: 'GET',
          route: `${ROUTE}/{id}`,
          params: { id },
          ...signalOf(options),
        }),
        `GET ${ROUTE}/{id}`,
      ),
    create: async (input, options = {}) =>
      parseAnswer(
        GatewayToolWireSchema,
        await transport.send({
          method: 'POST',
          route: ROUTE,
          body: input,
          ...createOptions(options),
        }),
        `POST ${ROUTE}`,
      ),
    update: async (id, input, options = {}) =>
      parseAnswer(
        GatewayToolWireSchema,
        await transport.send({
          method: 'PUT',
          route: `${ROUTE}/{id}`,
          params: { id },
          body: input,
          ...signalOf(options),
        }),
        `PUT ${ROUTE}/{id}`,
      ),
    remove: async (id, options = {}) =>
      responseMeta(
        await transport.send({
          method: 'DELETE',
          route: `${ROUTE}/{id}`,
          params: { id },
          ...signalOf(options),
        }),
      ),
    invoke: async (id, input, options = {}) => {
      const response = await transport.send({
        method: 'POST',
        route: `${ROUTE}/{id}/invoke`,
        params: { id },
        body: input,
        ...createOptions(options),
      });
      return response.body;
    },
  };
}
