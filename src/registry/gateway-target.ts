/**
 * The `gateway` registry target (DESIGN "Gateway tools contract"; project-specific, not a Genesys
 * Cloud API): tools are entities of `/api/v2/ai/assistant/tools`, owned through `managedBy`.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import type { GatewayToolInputWire, GenesysClient } from '../genesys/index.js';
import { listingFingerprint } from './data-actions-read.js';
import { parseRegistryOptions } from './data-actions-target.js';
import type { DesiredEntry, InvokeResult, Registry, RemoteEntry, WriteResult } from './registry.js';
import { comparableGatewayTool, GATEWAY_MARKER, toGatewayTool } from './to-gateway-tool.js';
import { numberField, recordOf, signalOption, stringField } from './wire-read.js';

/** Options of the `gateway` target; defaults live here. */
export const GatewayRegistryOptionsSchema = z.strictObject({
  executionUrl: z.url({ protocol: /^https?$/ }),
  /** The `managedBy` value marking managed tools. */
  marker: z.string().trim().min(1).max(256).default(GATEWAY_MARKER),
  pageSize: z.number().int().min(1).max(500).default(100),
});

/** Options of `createGatewayRegistry` as callers write them. */
export type GatewayRegistryOptions = z.input<typeof GatewayRegistryOptionsSchema>;

const TOOLS = '/api/v2/ai/assistant/tools';

/**
 * Creates the `gateway` registry on a Genesys client (the gateway shares its OAuth and paging).
 * @throws ConfigError CONFIG_INVALID for bad options.
 */
export function createGatewayRegistry(
  input: GatewayRegistryOptions,
  client: Pick<GenesysClient, 'gatewayTools' | 'transport'>,
): Registry {
  const options = Object.freeze(
    parseRegistryOptions(GatewayRegistryOptionsSchema, input, 'createGatewayRegistry'),
  );
  const toEntry = (tool: Record<string, unknown>): RemoteEntry => ({
    id: stringField(tool, 'id') ?? '',
    name: stringField(tool, 'name') ?? '',
    version: numberField(tool, 'version'),
    managed: stringField(tool, 'managedBy') === options.marker,
    spec: comparableGatewayTool(tool),
    status: stringField(tool, 'status'),
    endpoint: stringField(tool, 'executionEndpoint'),
    modifiedAt: stringField(tool, 'dateModified'),
    fingerprint: listingFingerprint({ ...tool, config: tool }),
  });
  const listAll = async (signal: AbortSignal | undefined): Promise<RemoteEntry[]> => {
    const tools = await client.gatewayTools
      .list({ pageSize: options.pageSize, ...signalOption(signal) })
      .collect();
    return tools.map((t) => toEntry(t));
  };
  const bodyOf = (
    desired: DesiredEntry,
    name: string = desired.name,
  ): GatewayToolInputWire & { managedBy: string } => {
    const b = desired.body;
    const rate = recordOf(b.rateLimit);
    return {
      name,
      description: typeof b.description === 'string' ? b.description : '',
      schema: recordOf(b.schema),
      executionEndpoint: typeof b.executionEndpoint === 'string' ? b.executionEndpoint : '',
      rateLimit: {
        requestsPerMinute: numberField(rate, 'requestsPerMinute') ?? 60,
        burstSize: numberField(rate, 'burstSize') ?? 10,
      },
      managedBy: options.marker,
    };
  };
  return {
    target: 'gateway',
    scope: `gateway tools marked managedBy "${options.marker}"`,
    desired: (tool: ToolDefinition): DesiredEntry => {
      const body = toGatewayTool(tool, {
        executionUrl: options.executionUrl,
        marker: options.marker,
      });
      return { name: tool.name, spec: comparableGatewayTool(body), body };
    },
    list: async (names, callOptions = {}) => {
      const wanted = new Set(names);
      const all = await listAll(callOptions.signal);
      return all.filter((t) => t.managed || wanted.has(t.name));
    },
    findManaged: async (name, callOptions = {}) =>
      (await listAll(callOptions.signal)).filter((t) => t.managed && t.name === name),
    listedIds: async (callOptions = {}) =>
      new Set((await listAll(callOptions.signal)).filter((t) => t.managed).map((t) => t.id)),
    get: async (id, callOptions = {}) =>
      toEntry(recordOf(await client.gatewayTools.get(id, signalOption(callOptions.signal)))),
    // A gateway needs no integration or credential.
    prepare: () => Promise.resolve(),
    create: async (desired, callOptions = {}): Promise<WriteResult> => {
      const response = await client.transport.send({
        method: 'POST',
        route: TOOLS,
        body: bodyOf(desired, callOptions.name),
        ...signalOption(callOptions.signal),
      });
      return { entry: toEntry(recordOf(response.body)), correlationId: response.correlationId };
    },
    update: async (remote, desired, callOptions = {}): Promise<WriteResult> => {
      const response = await client.transport.send({
        method: 'PUT',
        route: `${TOOLS}/{id}`,
        params: { id: remote.id },
        body: bodyOf(desired),
        ...signalOption(callOptions.signal),
      });
      return { entry: toEntry(recordOf(response.body)), correlationId: response.correlationId };
    },
    remove: async (id, callOptions = {}) => {
      const response = await client.transport.send({
        method: 'DELETE',
        route: `${TOOLS}/{id}`,
        params: { id },
        ...signalOption(callOptions.signal),
      });
      return { correlationId: response.correlationId };
    },
    invoke: async (remote, parameters, callOptions = {}): Promise<InvokeResult> => ({
      id: remote.id,
      output: await client.gatewayTools.invoke(
        remote.id,
        { parameters },
        signalOption(callOptions.signal),
      ),
    }),
  };
}
