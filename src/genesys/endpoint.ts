/**
 * One typed call per endpoint (STYLE §14: an endpoint table instead of `parseWire(await
 * transport.send(...))` written once per method): `{ method, route, schema }` in, a function out.
 */
import type { z } from 'zod';
import type { CreateOptions } from './integrations-api.js';
import { createOptions } from './integrations-api.js';
import { parseWire } from './parse-wire.js';
import type { HttpMethod, Transport } from './transport.js';
import type { QueryValues } from './route.js';

/** An endpoint: method, route template and the schema of its 2xx answer. */
export interface Endpoint<S extends z.ZodType> {
  readonly method: HttpMethod;
  readonly route: string;
  readonly schema: S;
}

/** What one call of an endpoint carries besides the options. */
export interface EndpointRequest {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: QueryValues;
  readonly body?: unknown;
}

/** Calls `endpoint` through the transport and narrows the answer to its schema. */
export type CallEndpoint = <S extends z.ZodType>(
  endpoint: Endpoint<S>,
  request: EndpointRequest,
  options?: CreateOptions,
) => Promise<z.output<S>>;

/**
 * Binds endpoints to a transport.
 * @throws GenesysApiError for a non-2xx answer; GENESYS_UNEXPECTED_RESPONSE for a body off its schema.
 */
export function endpointCaller(transport: Transport): CallEndpoint {
  return async (endpoint, request, options = {}) =>
    parseWire(
      endpoint.schema,
      await transport.send({
        method: endpoint.method,
        route: endpoint.route,
        ...(request.params === undefined ? {} : { params: request.params }),
        ...(request.query === undefined ? {} : { query: request.query }),
        ...(request.body === undefined ? {} : { body: request.body }),
        ...createOptions(options),
      }),
      `${endpoint.method} ${endpoint.route}`,
    );
}
