/**
 * `createGenesysClient`: options parsed once (STYLE §5), hosts resolved, and the APIs wired on one
 * token provider, one limiter and one pipeline.
 */
import { inspect } from 'node:util';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { systemDeps } from '../deps.js';
import { ConfigError } from '../errors.js';
import type { VirtualAgentsApi } from './agents-api.js';
import { createVirtualAgentsApi } from './agents-api.js';
import type { DataActionsApi } from './data-actions-api.js';
import { createDataActionsApi } from './data-actions-api.js';
import type { DependencyTrackingApi } from './dependency-tracking-api.js';
import { createDependencyTrackingApi } from './dependency-tracking-api.js';
import type { ClientEvent } from './events.js';
import type { GatewayToolsApi } from './gateway-api.js';
import { createGatewayToolsApi } from './gateway-api.js';
import type { GuidesApi } from './guides-api.js';
import { createGuidesApi } from './guides-api.js';
import type { CredentialsApi, IntegrationsApi } from './integrations-api.js';
import { createCredentialsApi, createIntegrationsApi } from './integrations-api.js';
import { createRateLimiter } from './rate-limiter.js';
import type { Region } from './regions.js';
import { resolveRegion } from './regions.js';
import { createTransport } from './send.js';
import type { Transport } from './transport.js';
import type { TokenProvider } from './token-provider.js';
import { createTokenProvider } from './token-provider.js';

const httpUrl = z.url({ protocol: /^https?$/ });

/** Options of `createGenesysClient`; defaults live here and nowhere else. */
export const GenesysClientOptionsSchema = z.strictObject({
  /** AWS region name, SDK key or domain (reference §2). One of region / apiUrl is required. */
  region: z.string().min(1).optional(),
  /** Overrides the region's API host (emulator, proxy). */
  apiUrl: httpUrl.optional(),
  /** Overrides the login host; defaults to the region's, else to `apiUrl` (the emulator serves both). */
  loginUrl: httpUrl.optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** Client-side limit per token (reference §3: Genesys allows 300). */
  requestsPerMinute: z.number().int().min(1).max(1_000_000).default(300),
  /** Attempts per call, the first included. */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** Per attempt; the JS SDK's default (reference §3). */
  requestTimeoutMs: z.number().int().min(100).max(600_000).default(16_000),
  /** Total time of one call with its retries (time queued for the limiter excluded). */
  deadlineMs: z.number().int().min(100).max(3_600_000).default(120_000),
  backoff: z
    .strictObject({
      baseMs: z.number().int().min(1).max(60_000).default(500),
      maxMs: z.number().int().min(1).max(600_000).default(30_000),
    })
    .default({ baseMs: 500, maxMs: 30_000 }),
  /** Largest `Retry-After` honoured; longer waits are cut to this. */
  retryAfterCapMs: z.number().int().min(0).max(600_000).default(60_000),
  /** Renew the token this long before it expires (at most half its lifetime early). */
  tokenRenewMarginMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Pages after which a listing is declared runaway. */
  maxPages: z.number().int().min(1).max(100_000).default(1_000),
  onEvent: z
    .custom<(event: ClientEvent) => void>((v) => typeof v === 'function', 'expected a function')
    .optional(),
});

/** Options of `createGenesysClient` as callers write them. */
export type GenesysClientOptions = z.input<typeof GenesysClientOptionsSchema>;
type ParsedOptions = Readonly<z.output<typeof GenesysClientOptionsSchema>>;

/** The hosts a client talks to. */
export interface ResolvedHosts {
  readonly apiUrl: string;
  readonly loginUrl: string;
  /** The region, when one was named. */
  readonly region: Region | undefined;
}

/** The Genesys Cloud client. */
export interface GenesysClient {
  readonly integrations: IntegrationsApi;
  readonly credentials: CredentialsApi;
  readonly dataActions: DataActionsApi;
  readonly gatewayTools: GatewayToolsApi;
  /** AI Guides (reference §6.1). */
  readonly guides: GuidesApi;
  /** Agentic virtual agents (reference §6.2). */
  readonly agents: VirtualAgentsApi;
  /** Architect dependency tracking (reference §10.4). */
  readonly dependencies: DependencyTrackingApi;
  readonly tokenProvider: TokenProvider;
  readonly clientId: string;
  readonly apiUrl: string;
  readonly loginUrl: string;
  readonly region: Region | undefined;
  /** The pipeline itself, for calls the typed APIs do not cover. */
  readonly transport: Transport;
  /**
   * Adds a listener of the client's events (as the `onEvent` option) for a while: `syncTools`
   * follows the retries and rate-limit waits of its run this way. Answers the unsubscribe.
   */
  subscribe(listener: (event: ClientEvent) => void): () => void;
}

/**
 * Parses client options.
 * @throws ConfigError CONFIG_INVALID naming each bad option (never its value).
 */
export function parseClientOptions(input: unknown): ParsedOptions {
  const parsed = GenesysClientOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError('CONFIG_INVALID', `createGenesysClient: ${problems.join('; ')}`, {
      details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return Object.freeze(parsed.data);
}

/**
 * The API and login hosts: explicit URLs win over the region's hosts.
 * @throws ConfigError CONFIG_MISSING when neither region nor apiUrl is set; CONFIG_UNKNOWN_REGION
 */
export function resolveHosts(options: {
  readonly region?: string | undefined;
  readonly apiUrl?: string | undefined;
  readonly loginUrl?: string | undefined;
}): ResolvedHosts {
  const region = options.region === undefined ? undefined : resolveRegion(options.region);
  const apiUrl = options.apiUrl ?? region?.apiUrl;
  if (apiUrl === undefined) {
    throw new ConfigError(
      'CONFIG_MISSING',
      'no Genesys Cloud region: set GENESYS_CLOUD_REGION (e.g. us-east-1, or your domain such as mypurecloud.ie), or GENESYS_CLOUD_API_URL for the emulator or a proxy',
      { details: { variables: ['GENESYS_CLOUD_REGION', 'GENESYS_CLOUD_API_URL'] } },
    );
  }
  return {
    apiUrl: trimSlash(apiUrl),
    loginUrl: trimSlash(options.loginUrl ?? region?.loginUrl ?? apiUrl),
    region,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The credentials, or an error naming every missing variable.
 * @throws ConfigError CONFIG_MISSING naming GENESYS_CLOUD_CLIENT_ID and/or GENESYS_CLOUD_CLIENT_SECRET
 */
export function requireCredentials(options: {
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}): { readonly clientId: string; readonly clientSecret: string } {
  const missing = [
    ...(options.clientId === undefined ? ['GENESYS_CLOUD_CLIENT_ID'] : []),
    ...(options.clientSecret === undefined ? ['GENESYS_CLOUD_CLIENT_SECRET'] : []),
  ];
  if (options.clientId === undefined || options.clientSecret === undefined) {
    throw new ConfigError(
      'CONFIG_MISSING',
      `missing OAuth client credentials: set ${missing.join(' and ')} (an OAuth client with the client-credentials grant, Admin > Integrations > OAuth)`,
      { details: { variables: missing } },
    );
  }
  return { clientId: options.clientId, clientSecret: options.clientSecret };
}

/**
 * Creates a client for one OAuth client in one region (or behind an explicit API URL).
 * @throws ConfigError CONFIG_INVALID, CONFIG_MISSING, CONFIG_UNKNOWN_REGION
 */
export function createGenesysClient(
  options: GenesysClientOptions,
  deps: Partial<Deps> = {},
): GenesysClient {
  const parsed = parseClientOptions(options);
  const { clientId, clientSecret } = requireCredentials(parsed);
  const hosts = resolveHosts(parsed);
  const full = systemDeps(deps);
  const listeners = new Set<(event: ClientEvent) => void>();
  const optionListener = safeListener(parsed.onEvent, full);
  const onEvent = (event: ClientEvent): void => {
    optionListener?.(event);
    for (const listener of listeners) listener(event);
  };
  const tokenProvider = createTokenProvider(
    {
      loginUrl: hosts.loginUrl,
      clientId,
      clientSecret,
      renewMarginMs: parsed.tokenRenewMarginMs,
      requestTimeoutMs: parsed.requestTimeoutMs,
      onEvent,
    },
    full,
  );
  const limiter = createRateLimiter(
    { limit: parsed.requestsPerMinute, windowMs: 60_000 },
    full.clock,
  );
  const transport = createTransport(
    {
      apiUrl: hosts.apiUrl,
      maxAttempts: parsed.maxAttempts,
      requestTimeoutMs: parsed.requestTimeoutMs,
      deadlineMs: parsed.deadlineMs,
      backoff: { ...parsed.backoff, retryAfterCapMs: parsed.retryAfterCapMs },
      secrets: [clientSecret],
      onEvent,
    },
    full,
    tokenProvider,
    limiter,
  );
  const client: GenesysClient & { toJSON(): unknown } = {
    integrations: createIntegrationsApi(transport, parsed.maxPages),
    credentials: createCredentialsApi(transport),
    dataActions: createDataActionsApi(transport, parsed.maxPages),
    gatewayTools: createGatewayToolsApi(transport, parsed.maxPages),
    guides: createGuidesApi(transport, parsed.maxPages, full.clock),
    agents: createVirtualAgentsApi(transport, parsed.maxPages, full.clock),
    dependencies: createDependencyTrackingApi(transport, parsed.maxPages),
    tokenProvider,
    clientId,
    apiUrl: hosts.apiUrl,
    loginUrl: hosts.loginUrl,
    region: hosts.region,
    transport,
    subscribe: (listener) => {
      const safe = safeListener(listener, full);
      if (safe !== undefined) listeners.add(safe);
      return () => {
        if (safe !== undefined) listeners.delete(safe);
      };
    },
    toJSON: () => ({ clientId, apiUrl: hosts.apiUrl, loginUrl: hosts.loginUrl }),
  };
  Object.defineProperty(client, inspect.custom, {
    value: () =>
      `GenesysClient { clientId: '${clientId}', apiUrl: '${hosts.apiUrl}', loginUrl: '${hosts.loginUrl}' }`,
  });
  return client;
}

// A listener that throws must not break the call it observes.
function safeListener(
  listener: ((event: ClientEvent) => void) | undefined,
  deps: Deps,
): ((event: ClientEvent) => void) | undefined {
  if (listener === undefined) return undefined;
  return (event) => {
    try {
      listener(event);
    } catch (error) {
      deps.logger.warn(
        { err: error instanceof Error ? error.message : String(error), event: event.type },
        'genesys client event listener threw',
      );
    }
  };
}
