/**
 * The `data-actions` registry target (DESIGN "Tool → data action"; reference §7): tools are
 * published data actions in a Web Services Data Actions integration, owned through their category.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import { ConfigError, GenesysConflictError } from '../errors.js';
import type { GenesysClient, PageWire } from '../genesys/index.js';
import { paginate, userDefinedCredential } from '../genesys/index.js';
import type { DesiredEntry, InvokeResult, Registry, RemoteEntry, WriteResult } from './registry.js';
import { comparableDataAction, DEFAULT_CATEGORY, toDataAction } from './to-data-action.js';
import {
  entitiesOf,
  isRecord,
  numberField,
  recordOf,
  signalOption,
  stringField,
} from './wire-read.js';

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

function hasContract(action: Record<string, unknown>): boolean {
  const contract = recordOf(action.contract);
  return (
    isRecord(recordOf(contract.input).inputSchema) &&
    isRecord(recordOf(contract.output).successSchema)
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

  const toEntry = (action: Record<string, unknown>): RemoteEntry => ({
    id: stringField(action, 'id') ?? '',
    name: stringField(action, 'name') ?? '',
    version: numberField(action, 'version'),
    managed: stringField(action, 'category') === options.category,
    spec: comparableDataAction(action),
    status: 'published',
    endpoint: stringField(recordOf(recordOf(action.config).request), 'requestUrlTemplate'),
    modifiedAt: stringField(action, 'dateModified'),
  });

  // The listing may carry contracts (the emulator honours `expand`); where Genesys answers only
  // the `*Uri` of a schema, read the action itself (reference §7.2).
  const complete = async (
    action: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>> =>
    hasContract(action)
      ? action
      : recordOf(
          await client.dataActions.get(stringField(action, 'id') ?? '', signalOption(signal)),
        );

  const listActions = async (
    query: { category?: string; name?: string; full: boolean },
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>[]> => {
    const pages = paginate<Record<string, unknown>>(
      async (pageNumber): Promise<PageWire<Record<string, unknown>>> => {
        const response = await client.transport.send({
          method: 'GET',
          route: ACTIONS,
          query: {
            pageSize: options.pageSize,
            pageNumber,
            category: query.category,
            name: query.name,
            expand: query.full ? 'contract' : undefined,
            includeConfig: query.full ? true : undefined,
          },
          ...signalOption(signal),
        });
        const page = recordOf(response.body);
        return {
          entities: entitiesOf(page),
          pageNumber: numberField(page, 'pageNumber'),
          pageCount: numberField(page, 'pageCount'),
          nextUri: stringField(page, 'nextUri') ?? null,
        };
      },
      { pageSize: options.pageSize, maxPages: 10_000, what: `GET ${ACTIONS}` },
    );
    return pages.collect();
  };

  const managedEntries = async (
    name: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RemoteEntry[]> => {
    const actions = await listActions(
      { category: options.category, ...(name === undefined ? {} : { name }), full: true },
      signal,
    );
    const ours = actions.filter(
      (a) =>
        stringField(a, 'category') === options.category &&
        (name === undefined || stringField(a, 'name') === name),
    );
    const full = await Promise.all(ours.map((a) => complete(a, signal)));
    return full.map(toEntry);
  };

  const findIntegration = async (signal: AbortSignal | undefined): Promise<string | undefined> => {
    if (integrationId !== undefined) return integrationId;
    const found = await client.integrations.findByName(
      options.integrationName,
      undefined,
      signalOption(signal),
    );
    integrationId = found?.id;
    return integrationId;
  };

  const ensureCredential = async (id: string, signal: AbortSignal | undefined): Promise<void> => {
    const token = options.bearerToken;
    if (token === undefined) {
      throw new ConfigError(
        'CONFIG_MISSING',
        'no token for the data action credential: set GENESYS_TOOLS_BEARER_TOKEN (the first value is sent by the data actions)',
        { details: { variables: ['GENESYS_TOOLS_BEARER_TOKEN'] } },
      );
    }
    const body = userDefinedCredential(options.credentialName, { token });
    for (let attempt = 1; ; attempt++) {
      const config = await client.integrations.getConfig(id, signalOption(signal));
      const current = config.credentials?.basicAuth?.id;
      if (current !== undefined) {
        // Rotating the token: the secret cannot be read back, so it is written on every apply.
        await client.credentials.update(current, body, signalOption(signal));
        return;
      }
      const credential = await client.credentials.create(body, signalOption(signal));
      try {
        // The credential slot of custom-rest-actions is always `basicAuth` (reference §7.0).
        await client.integrations.putConfig(
          id,
          {
            name: config.name ?? options.integrationName,
            version: config.version,
            properties: config.properties ?? {},
            advanced: config.advanced ?? {},
            notes: config.notes ?? '',
            credentials: { basicAuth: { id: credential.id } },
          },
          signalOption(signal),
        );
        return;
      } catch (error) {
        await client.credentials.remove(credential.id, signalOption(signal)).catch(() => undefined);
        if (!(error instanceof GenesysConflictError) || attempt >= 2) throw error;
      }
    }
  };

  const requireIntegration = (): string => {
    if (integrationId === undefined) throw new RangeError('prepare() must run before writes');
    return integrationId;
  };

  return {
    target: 'data-actions',
    scope: `category "${options.category}"`,
    desired: (tool: ToolDefinition): DesiredEntry => {
      const body = toDataAction(tool, {
        executionUrl: options.executionUrl,
        category: options.category,
        integrationId: integrationId ?? '',
      });
      return { name: tool.name, spec: comparableDataAction(body), body };
    },
    list: async (names, callOptions = {}) => {
      const { signal } = callOptions;
      await findIntegration(signal);
      const managed = await managedEntries(undefined, signal);
      const have = new Set(managed.map((m) => m.name));
      const missing = new Set(names.filter((n) => !have.has(n)));
      if (missing.size === 0) return managed;
      const all = await listActions({ full: false }, signal);
      const others = all.filter(
        (a) =>
          missing.has(stringField(a, 'name') ?? '') &&
          stringField(a, 'category') !== options.category,
      );
      const full = await Promise.all(
        others.map(async (a) =>
          recordOf(await client.dataActions.get(stringField(a, 'id') ?? '', signalOption(signal))),
        ),
      );
      return [...managed, ...full.map(toEntry)];
    },
    findManaged: (name, callOptions = {}) => managedEntries(name, callOptions.signal),
    get: async (id, callOptions = {}) =>
      toEntry(recordOf(await client.dataActions.get(id, signalOption(callOptions.signal)))),
    prepare: async (callOptions = {}) => {
      const { signal } = callOptions;
      let id = await findIntegration(signal);
      let integration =
        id === undefined ? undefined : await client.integrations.get(id, signalOption(signal));
      if (integration === undefined) {
        integration = await client.integrations.create(
          { name: options.integrationName },
          signalOption(signal),
        );
        id = integration.id;
        integrationId = id;
      }
      await ensureCredential(integration.id, signal);
      if (integration.intendedState !== 'ENABLED') {
        await client.integrations.enable(integration.id, signalOption(signal));
      }
    },
    create: async (desired, callOptions = {}): Promise<WriteResult> => {
      const response = await client.transport.send({
        method: 'POST',
        route: ACTIONS,
        body: { ...desired.body, integrationId: requireIntegration() },
        ...signalOption(callOptions.signal),
      });
      return { entry: toEntry(recordOf(response.body)), correlationId: response.correlationId };
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
      const entry = recordOf(response.body);
      // PATCH may answer without the contract: keep the one we know.
      const full = hasContract(entry)
        ? entry
        : {
            ...entry,
            contract: desired.body.contract,
            integrationId: remote.spec.fixed.integrationId,
          };
      return { entry: toEntry(full), correlationId: response.correlationId };
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
