/**
 * The `data-actions` registry target (DESIGN "Tool → data action"; reference §7): tools are
 * published data actions in a Web Services Data Actions integration, owned through their category.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import { ConfigError } from '../errors.js';
import type { GenesysClient } from '../genesys/index.js';
import { comparableText } from './comparable.js';
import {
  listingFingerprint,
  listShallow,
  mapLimit,
  READ_CONCURRENCY,
  readAction,
  readFull,
} from './data-actions-read.js';
import { findIntegration, planIntegration, prepareIntegration } from './integration-prepare.js';
import { acquireLease } from './write-lease.js';
import type {
  ComparableSpec,
  DesiredEntry,
  InvokeResult,
  Registry,
  RemoteEntry,
  WriteResult,
} from './registry.js';
import { baseName } from './registry.js';
import {
  carriedDigest,
  comparableDataAction,
  DEFAULT_CATEGORY,
  toDataAction,
} from './to-data-action.js';
import { isRecord, numberField, recordOf, signalOption, stringField } from './wire-read.js';

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
export type DataActionsClient = Pick<
  GenesysClient,
  'integrations' | 'credentials' | 'dataActions' | 'transport'
>;

const ACTIONS = '/api/v2/integrations/actions';

/** Parses options, naming bad ones (never their values). */
export function parseRegistryOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError('CONFIG_INVALID', `${where}: ${problems.join('; ')}`, {
      details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return parsed.data;
}

/**
 * True when the listing alone shows that `action` is `desired`: it carries the desired spec digest
 * (which covers contract and templates, which the listing does not show) and every field the
 * listing does show compares equal.
 */
/**
 * What the comparable form carries as `integrationId` for the integration this registry uses: the
 * desired form is then the same whether or not the integration is known yet (no hidden order
 * between `desired()` and `list()`); an action in another integration still differs (a replace).
 */
export const THIS_INTEGRATION = "(this registry's integration)";

function settledByListing(
  action: Record<string, unknown>,
  desired: DesiredEntry,
  local: (spec: ComparableSpec) => ComparableSpec,
): boolean {
  const desiredConfig = recordOf(desired.body.config);
  if (carriedDigest(action) !== carriedDigest(desired.body)) return false;
  const config = recordOf(action.config);
  const request = recordOf(config.request);
  const response = recordOf(config.response);
  // What the listing leaves out is taken from the desired body; the digest vouches for it.
  const filled = {
    ...action,
    contract: desired.body.contract,
    config: {
      ...config,
      request: {
        ...request,
        requestTemplate: recordOf(desiredConfig.request).requestTemplate,
      },
      response: {
        ...response,
        successTemplate: recordOf(desiredConfig.response).successTemplate,
      },
    },
  };
  const spec = local(comparableDataAction(filled));
  return (
    comparableText(spec.fixed) === comparableText(desired.spec.fixed) &&
    comparableText(spec.mutable) === comparableText(desired.spec.mutable)
  );
}

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
  const local = (spec: ComparableSpec): ComparableSpec =>
    integrationId !== undefined && spec.fixed.integrationId === integrationId
      ? { ...spec, fixed: { ...spec.fixed, integrationId: THIS_INTEGRATION } }
      : spec;

  const toEntry = (action: Record<string, unknown>, shown = action): RemoteEntry => ({
    id: stringField(action, 'id') ?? '',
    name: stringField(action, 'name') ?? '',
    version: numberField(action, 'version'),
    managed: stringField(action, 'category') === options.category,
    spec: local(comparableDataAction(action)),
    status: 'published',
    endpoint: stringField(recordOf(recordOf(action.config).request), 'requestUrlTemplate'),
    modifiedAt: stringField(action, 'dateModified'),
    fingerprint: listingFingerprint(shown),
  });

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
    listed: readonly Record<string, unknown>[],
    desiredFor: ((name: string) => DesiredEntry | undefined) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RemoteEntry[]> => {
    const perName = new Map<string, number>();
    for (const a of listed) {
      const name = baseName(stringField(a, 'name') ?? '');
      perName.set(name, (perName.get(name) ?? 0) + 1);
    }
    const entries = await mapLimit(listed, READ_CONCURRENCY, async (action) => {
      const name = baseName(stringField(action, 'name') ?? '');
      const desired = desiredFor?.(name);
      const alone = perName.get(name) === 1;
      if (desired !== undefined && alone && settledByListing(action, desired, local)) {
        return { ...toEntry(action), spec: desired.spec };
      }
      const full = await readFull(client, stringField(action, 'id') ?? '', signal);
      return full === undefined ? undefined : toEntry(full, action);
    });
    return entries.filter((e): e is RemoteEntry => e !== undefined);
  };

  const listManaged = (name: string | undefined, signal: AbortSignal | undefined) =>
    listShallow(
      client,
      {
        category: options.category,
        ...(name === undefined ? {} : { name }),
        pageSize: options.pageSize,
      },
      signal,
    ).then((actions) =>
      actions.filter(
        (a) =>
          stringField(a, 'category') === options.category &&
          (name === undefined || stringField(a, 'name') === name),
      ),
    );

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
        (a) =>
          missing.has(stringField(a, 'name') ?? '') &&
          stringField(a, 'category') !== options.category,
      );
      return [...managed, ...(await toEntries(others, undefined, signal))];
    },
    findManaged: async (name, callOptions = {}) =>
      toEntries(await listManaged(name, callOptions.signal), undefined, callOptions.signal),
    listedIds: async (callOptions = {}) =>
      new Set(
        (await listManaged(undefined, callOptions.signal)).map((a) => stringField(a, 'id') ?? ''),
      ),
    // A 404 passes through as GenesysNotFoundError (apply polls with it until a delete is done).
    get: async (id, callOptions = {}) => toEntry(await readAction(client, id, callOptions.signal)),
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
    create: async (desired, callOptions = {}): Promise<WriteResult> => {
      const response = await client.transport.send({
        method: 'POST',
        route: ACTIONS,
        body: {
          ...desired.body,
          name: callOptions.name ?? desired.name,
          integrationId: requireIntegration(integrationId),
        },
        ...signalOption(callOptions.signal),
      });
      // The answer may carry templates only as URIs: the desired body is what was written.
      const answer = recordOf(response.body);
      const entry = toEntry({
        ...desired.body,
        ...answer,
        config: desired.body.config,
        contract: desired.body.contract,
      });
      return { entry, correlationId: response.correlationId };
    },
    update: async (remote, desired, callOptions = {}): Promise<WriteResult> => {
      // PATCH cannot change a contract (reference §7.1); plan sends those as replaces.
      const response = await client.transport.send({
        method: 'PATCH',
        route: `${ACTIONS}/{id}`,
        params: { id: remote.id },
        body: {
          version: remote.version ?? 1,
          name: desired.body.name,
          category: desired.body.category,
          config: desired.body.config,
        },
        ...signalOption(callOptions.signal),
      });
      const answer = recordOf(response.body);
      const entry = toEntry({
        ...answer,
        contract: isRecord(answer.contract) ? answer.contract : desired.body.contract,
        integrationId: remote.spec.fixed.integrationId,
        config: desired.body.config,
      });
      return { entry, correlationId: response.correlationId };
    },
    remove: async (id, callOptions = {}) => {
      const response = await client.transport.send({
        method: 'DELETE',
        route: `${ACTIONS}/{id}`,
        params: { id },
        ...signalOption(callOptions.signal),
      });
      return { correlationId: response.correlationId };
    },
    invoke: async (remote, parameters, callOptions = {}): Promise<InvokeResult> => {
      const output = await client.dataActions.execute(
        remote.id,
        parameters,
        signalOption(callOptions.signal),
      );
      return { id: remote.id, output };
    },
  };
}

function requireIntegration(id: string | undefined): string {
  if (id === undefined) throw new RangeError('prepare() must run before writes');
  return id;
}
