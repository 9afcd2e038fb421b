/**
 * The `data-actions` registry target (DESIGN "Tool → data action"; reference §7): tools are
 * published data actions in a Web Services Data Actions integration, owned through their category.
 * It talks to Genesys only through the typed client (`client.dataActions`, `integrations`,
 * `credentials`), whose answers are parsed with zod at the edge.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import type { ActionWire, GenesysClient } from '../genesys/index.js';
import { THIS_INTEGRATION, toEntry } from './data-actions-entry.js';
import { settledByListing } from './listing-settle.js';
import type { EntryScope } from './data-actions-entry.js';
import {
  listShallow,
  mapLimit,
  READ_CONCURRENCY,
  readAction,
  readFull,
} from './data-actions-read.js';
import { createAction, removeAction, updateAction } from './data-actions-write.js';
import { findIntegration, planIntegration, prepareIntegration } from './integration-prepare.js';
import type { ComparableSpec, DesiredEntry, Registry, RemoteEntry } from './registry.js';
import { baseName } from './registry.js';
import { parseRegistryOptions } from './registry-options.js';
import { comparableDataAction } from './action-spec.js';
import { DEFAULT_CATEGORY, toDataAction } from './to-data-action.js';
import { signalOption } from './wire-read.js';
import { acquireLease } from './write-lease.js';

export { THIS_INTEGRATION } from './data-actions-entry.js';

/** Options of the `data-actions` target; defaults live here. */
export const DataActionsRegistryOptionsSchema = z.strictObject({
  /** Public base URL of the execution server. */
  executionUrl: z.url({ protocol: /^https?$/ }),
  /** The category marking managed actions. */
  category: z.string().trim().min(1).max(256).default(DEFAULT_CATEGORY),
  /** Name of the Web Services Data Actions integration to find or create. */
  integrationName: z.string().trim().min(1).max(256).default('genesys-tools'),
  /** An existing integration to use instead of finding one by name. */
  integrationId: z.string().min(1).optional(),
  /** Name of the User Defined credential holding the execution server's bearer token. */
  credentialName: z.string().trim().min(1).max(256).default('genesys-tools-execution'),
  /** The token the credential sends (`GENESYS_TOOLS_BEARER_TOKEN`, first value). Needed to apply. */
  bearerToken: z.string().min(1).optional(),
  /** Page size of listings (Genesys' largest is endpoint-specific; 100 is safe). */
  pageSize: z.number().int().min(1).max(500).default(100),
});

/** Options of `createDataActionsRegistry` as callers write them. */
export type DataActionsRegistryOptions = z.input<typeof DataActionsRegistryOptionsSchema>;

/** The parts of the Genesys client the target uses. */
export type DataActionsClient = Pick<GenesysClient, 'integrations' | 'credentials' | 'dataActions'>;

/**
 * Creates the `data-actions` registry on a Genesys client.
 * @throws ConfigError CONFIG_INVALID for bad options.
 */
export function createDataActionsRegistry(
  input: DataActionsRegistryOptions,
  client: DataActionsClient,
): Registry {
  const options = Object.freeze(
    parseRegistryOptions(DataActionsRegistryOptionsSchema, input, 'createDataActionsRegistry'),
  );
  let integrationId: string | undefined = options.integrationId;
  const scope: EntryScope = {
    category: options.category,
    local: (spec: ComparableSpec): ComparableSpec =>
      integrationId !== undefined && spec.fixed.integrationId === integrationId
        ? { ...spec, fixed: { ...spec.fixed, integrationId: THIS_INTEGRATION } }
        : spec,
  };
  const entryOf = (action: ActionWire): RemoteEntry => toEntry(scope, action);

  const knownIntegration = async (signal: AbortSignal | undefined): Promise<void> => {
    integrationId ??= await findIntegration(client, options, signal);
  };

  /**
   * Listed actions as entries: an action the listing settles gets the desired spec without a
   * read; the others are read in full (contract, templates). Actions the listing still shows but
   * that are gone (§10.2) are dropped when read; duplicates and actions no tool wants are always
   * read, so that a plan never deletes a ghost.
   */
  const toEntries = async (
    listed: readonly ActionWire[],
    desiredFor: ((name: string) => DesiredEntry | undefined) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RemoteEntry[]> => {
    const perName = new Map<string, number>();
    for (const a of listed) {
      const name = baseName(a.name);
      perName.set(name, (perName.get(name) ?? 0) + 1);
    }
    const entries = await mapLimit(listed, READ_CONCURRENCY, async (action) => {
      const name = baseName(action.name);
      const desired = desiredFor?.(name);
      const alone = perName.get(name) === 1;
      const settled =
        desired !== undefined && alone ? settledByListing(action, desired, scope.local) : undefined;
      if (settled !== undefined) return { ...entryOf(action), spec: settled };
      const full = await readFull(client, action.id, signal);
      return full === undefined ? undefined : toEntry(scope, full, action);
    });
    return entries.filter((e): e is RemoteEntry => e !== undefined);
  };

  const listManaged = async (
    name: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ActionWire[]> => {
    const query = {
      category: options.category,
      ...(name === undefined ? {} : { name }),
      pageSize: options.pageSize,
    };
    // The filters are Genesys' (the name one is a partial match): both are checked again here.
    return (await listShallow(client, query, signal)).filter(
      (a) => a.category === options.category && (name === undefined || a.name === name),
    );
  };

  const requireIntegration = (): string => {
    if (integrationId === undefined) throw new RangeError('prepare() must run before writes');
    return integrationId;
  };

  return {
    target: 'data-actions',
    scope: `category "${options.category}"`,
    desired: (tool: ToolDefinition): DesiredEntry => {
      // Pure: the integration is filled in by create() once prepare() has found it.
      const body = toDataAction(tool, {
        executionUrl: options.executionUrl,
        category: options.category,
        integrationId: '',
      });
      const spec = comparableDataAction(body);
      return {
        name: tool.name,
        spec: { ...spec, fixed: { ...spec.fixed, integrationId: THIS_INTEGRATION } },
        body,
      };
    },
    list: async (names, callOptions = {}) => {
      const { signal, desiredFor } = callOptions;
      await knownIntegration(signal);
      const managed = await toEntries(await listManaged(undefined, signal), desiredFor, signal);
      const have = new Set(managed.map((m) => baseName(m.name)));
      const missing = new Set(names.filter((n) => !have.has(n)));
      if (missing.size === 0) return managed;
      const others = (await listShallow(client, { pageSize: options.pageSize }, signal)).filter(
        (a) => missing.has(a.name) && a.category !== options.category,
      );
      return [...managed, ...(await toEntries(others, undefined, signal))];
    },
    findManaged: async (name, callOptions = {}) =>
      toEntries(await listManaged(name, callOptions.signal), undefined, callOptions.signal),
    listedIds: async (callOptions = {}) =>
      new Set((await listManaged(undefined, callOptions.signal)).map((a) => a.id)),
    // A 404 passes through as GenesysNotFoundError (apply polls with it until a delete is done).
    get: async (id, callOptions = {}) => entryOf(await readAction(client, id, callOptions.signal)),
    prepare: async (callOptions = {}) => {
      integrationId = await prepareIntegration(client, options, callOptions.signal);
    },
    preparation: (callOptions = {}) => planIntegration(client, options, callOptions.signal),
    // The lease lives in the integration's config, so the integration is checked (ours, one of its
    // name) and made when missing, as prepare does, before anything is written to it.
    lease: async (holder, leaseOptions) => {
      integrationId = await prepareIntegration(client, options, leaseOptions.signal);
      return acquireLease(client, integrationId, options.category, holder, leaseOptions);
    },
    create: async (desired, callOptions = {}) =>
      createAction(
        client,
        desired,
        { name: callOptions.name ?? desired.name, integrationId: requireIntegration() },
        entryOf,
        callOptions.signal,
      ),
    update: (remote, desired, callOptions = {}) =>
      updateAction(client, remote, desired, entryOf, callOptions.signal),
    remove: (id, callOptions = {}) => removeAction(client, id, callOptions.signal),
    invoke: async (remote, parameters, callOptions = {}) => ({
      id: remote.id,
      output: await client.dataActions.execute(
        remote.id,
        parameters,
        signalOption(callOptions.signal),
      ),
    }),
  };
}
