/**
 * The `gateway` registry target (DESIGN "Gateway tools contract"; project-specific, not a Genesys
 * Cloud API): tools are entities of `/api/v2/ai/assistant/tools`, owned through `managedBy`. It
 * talks to the gateway only through the typed client (`client.gatewayTools`).
 */
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import type {
  GatewayToolInputWire,
  GatewayToolWire,
  GenesysClient,
  Answered,
} from '../genesys/index.js';
import { listingFingerprint } from './data-actions-read.js';
import { GatewayToolBodySchema, parseDesiredBody } from './desired-body.js';
import type { DesiredEntry, InvokeResult, Registry, RemoteEntry, WriteResult } from './registry.js';
import { parseRegistryOptions } from './registry-options.js';
import { comparableGatewayTool, GATEWAY_MARKER, toGatewayTool } from './to-gateway-tool.js';
import { signalOption } from './wire-read.js';

/** Options of the `gateway` target; defaults live here. */
export const GatewayRegistryOptionsSchema = z.strictObject({
  executionUrl: z.url({ protocol: /^https?$/ }),
  /** The `managedBy` value marking managed tools. */
  marker: z.string().trim().min(1).max(256).default(GATEWAY_MARKER),
  pageSize: z.number().int().min(1).max(500).default(100),
});

/** Options of `createGatewayRegistry` as callers write them. */
export type GatewayRegistryOptions = z.input<typeof GatewayRegistryOptionsSchema>;

/**
 * Creates the `gateway` registry on a Genesys client (the gateway shares its OAuth and paging).
 * @throws ConfigError CONFIG_INVALID for bad options.
 */
export function createGatewayRegistry(
  input: GatewayRegistryOptions,
  client: Pick<GenesysClient, 'gatewayTools'>,
): Registry {
  const options = Object.freeze(
    parseRegistryOptions(GatewayRegistryOptionsSchema, input, 'createGatewayRegistry'),
  );
  const toEntry = (tool: GatewayToolWire): RemoteEntry => ({
    id: tool.id,
    name: tool.name,
    version: tool.version,
    managed: tool.managedBy === options.marker,
    spec: comparableGatewayTool(tool),
    status: tool.status,
    endpoint: tool.executionEndpoint,
    modifiedAt: tool.dateModified,
    fingerprint: listingFingerprint({ ...tool, config: tool }),
  });
  const listAll = async (signal: AbortSignal | undefined): Promise<RemoteEntry[]> => {
    const tools = await client.gatewayTools
      .list({ pageSize: options.pageSize, ...signalOption(signal) })
      .collect();
    return tools.map((t) => toEntry(t));
  };
  /** @throws SyncError SYNC_PLAN_FILE_INVALID for a malformed desired body. */
  const bodyOf = (
    desired: DesiredEntry,
    name: string = desired.name,
  ): GatewayToolInputWire & { managedBy: string } => {
    const b = parseDesiredBody(GatewayToolBodySchema, desired, 'gateway');
    return {
      name,
      description: b.description,
      schema: b.schema,
      executionEndpoint: b.executionEndpoint,
      rateLimit: b.rateLimit,
      managedBy: options.marker,
    };
  };
  const written = (tool: Answered<GatewayToolWire>): WriteResult => ({
    entry: toEntry(tool),
    correlationId: tool.lastResponse.correlationId,
  });
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
      toEntry(await client.gatewayTools.get(id, signalOption(callOptions.signal))),
    // A gateway needs no integration or credential.
    prepare: () => Promise.resolve(),
    create: async (desired, callOptions = {}) =>
      written(
        await client.gatewayTools.create(
          bodyOf(desired, callOptions.name),
          signalOption(callOptions.signal),
        ),
      ),
    update: async (remote, desired, callOptions = {}) =>
      written(
        await client.gatewayTools.update(
          remote.id,
          bodyOf(desired),
          signalOption(callOptions.signal),
        ),
      ),
    remove: async (id, callOptions = {}) => {
      const answer = await client.gatewayTools.remove(id, signalOption(callOptions.signal));
      return { correlationId: answer.correlationId };
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
