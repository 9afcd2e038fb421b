/**
 * The state one emulator shares with its routes: its OAuth clients (with their permissions), the
 * store, the per-request information the hooks record, and the permission check (reference §1).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import type { ClientRecord, EmulatorContext, RequestInfo } from './context.js';
import type { EmulatorClient, ParsedEmulatorOptions } from './options.js';
import { ClientSchema } from './options.js';
import { createSchemaCompiler } from './schema-compiler.js';
import { openStore } from './store.js';
import { ApiFailure, parseBody } from './wire.js';

/** The context and the handles the emulator itself keeps. */
export interface EmulatorState {
  readonly ctx: EmulatorContext;
  /** What the request hooks record per request (correlation id, client, arrival). */
  readonly requests: WeakMap<FastifyRequest, RequestInfo & { atMs: number }>;
  /**
   * Adds (or replaces) an OAuth client.
   * @throws ApiFailure 400 for a malformed client.
   */
  readonly addClient: (client: EmulatorClient) => void;
}

/**
 * Builds the context from parsed options: the configured clients, the store (`dataDir`, else in
 * memory) and the permission check.
 * @throws EmulatorError EMULATOR_STORE_CORRUPT when `dataDir` holds a state file that cannot be read.
 */
export function createEmulatorState(options: ParsedEmulatorOptions, deps: Deps): EmulatorState {
  const store = openStore(options.dataDir);
  const clients = new Map<string, ClientRecord>();
  const addClient = (input: EmulatorClient): void => {
    const client = parseBody(ClientSchema, input, 'client');
    clients.set(client.id, {
      id: client.id,
      secret: client.secret,
      permissions: client.permissions === undefined ? undefined : new Set(client.permissions),
      tokenLifetimeSeconds: client.tokenLifetimeSeconds ?? options.tokenLifetimeSeconds,
    });
  };
  for (const client of options.clients) addClient(client);

  const requests = new WeakMap<FastifyRequest, RequestInfo & { atMs: number }>();
  const ctx: EmulatorContext = {
    options,
    clients,
    store,
    deps,
    schemas: createSchemaCompiler(),
    info: (request) => {
      const info = requests.get(request);
      if (info === undefined) throw new Error('request seen before the emulator hook');
      return info;
    },
    requirePermission: (request, permission) => {
      const clientId = requests.get(request)?.clientId;
      const client = clientId === undefined ? undefined : clients.get(clientId);
      if (client?.permissions !== undefined && !client.permissions.has(permission)) {
        throw new ApiFailure(
          403,
          'missing.any.permissions',
          `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`,
          {
            messageWithParams:
              'Unable to perform the requested action. You are missing the following permission(s): {permissions}',
            messageParams: { permissions: permission },
          },
        );
      }
    },
    newId: () => randomUUID(),
  };
  return { ctx, requests, addClient };
}
