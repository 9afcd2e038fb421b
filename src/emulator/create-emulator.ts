/**
 * The local Genesys Cloud: one Fastify app serving the login host (`POST /oauth/token`) and the
 * API host (`/api/v2/...`) with Genesys' conventions (DESIGN "Emulator", reference §9). This file
 * wires the parts and owns the lifecycle; the state lives in `emulator-context.ts`, the HTTP edge
 * (parsers, error bodies) in `http-edge.ts`, the request hooks in `request-hooks.ts`.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { systemDeps } from '../deps.js';
import { seedAgents } from './agents.js';
import { createEmulatorState } from './emulator-context.js';
import { createFaultInjector } from './faults.js';
import { seedGuides } from './guides.js';
import {
  answerFrameworkError,
  installErrorHandling,
  installParsers,
  MAX_BODY_BYTES,
} from './http-edge.js';
import type { EmulatorClient, EmulatorOptions, FaultSettings } from './options.js';
import { ClientSchema, FaultSettingsSchema, parseEmulatorOptions } from './options.js';
import { registerOAuthRoutes } from './oauth.js';
import { createRateLimiter } from './rate-limit.js';
import type { EmulatorCall } from './request-hooks.js';
import { installHooks } from './request-hooks.js';
import { registerRoutes } from './routes.js';
import { parseBody } from './wire.js';

export { MAX_BODY_BYTES } from './http-edge.js';
export type { EmulatorCall } from './request-hooks.js';

/** A running (or ready to listen) emulator. */
export interface Emulator {
  /** The Fastify app; usable with `app.inject()` without listening. */
  readonly app: FastifyInstance;
  /** Starts listening (default 127.0.0.1, port 0) and resolves with the base URL. */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** Stops listening and releases everything. */
  close(): Promise<void>;
  /** Every request answered so far, oldest first. */
  readonly calls: readonly EmulatorCall[];
  clearCalls(): void;
  /**
   * Replaces the fault settings (and re-seeds the fault PRNG).
   * @throws ConfigError CONFIG_INVALID for settings outside the schema.
   */
  setFaults(faults: FaultSettings): void;
  /**
   * Adds (or replaces) an OAuth client.
   * @throws ConfigError CONFIG_INVALID for a malformed client.
   */
  addClient(client: EmulatorClient): void;
}

/**
 * Builds an emulator from options (defaults: one client `emulator-client`/`emulator-secret` with
 * every permission, 300 requests per token per minute, in-memory state).
 * @throws ConfigError CONFIG_INVALID for bad options.
 * @throws EmulatorError EMULATOR_STORE_CORRUPT when `dataDir` holds a state file that cannot be read.
 */
export async function createEmulator(
  options: EmulatorOptions = {},
  deps: Partial<Deps> = {},
): Promise<Emulator> {
  const opts = parseEmulatorOptions(options);
  const { ctx, requests, addClient } = createEmulatorState(opts, systemDeps(deps));
  const calls: EmulatorCall[] = [];
  const limiter = createRateLimiter(opts.rateLimitPerMinute);
  const faults = createFaultInjector(opts.faults ?? { rules: [] }, opts.seed);
  seedGuides(ctx);
  seedAgents(ctx);

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: false,
    frameworkErrors: (error, _request, reply) => {
      answerFrameworkError(error, reply);
    },
  });
  installParsers(app);
  installHooks(app, { ctx, requests, calls, limiter, faults });
  installErrorHandling(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerRoutes(app, ctx);
  app.post('/__emulator/faults', async (request, reply) => {
    faults.set(parseBody(FaultSettingsSchema, request.body, 'fault settings'));
    return reply.code(204).send();
  });
  app.get('/__emulator/calls', () => ({ calls }));
  await app.ready();

  return {
    app,
    listen: async (listenOptions = {}) =>
      app.listen({ host: listenOptions.host ?? '127.0.0.1', port: listenOptions.port ?? 0 }),
    close: async () => {
      await app.close();
    },
    get calls() {
      return calls;
    },
    clearCalls: () => {
      calls.length = 0;
    },
    setFaults: (settings) => {
      const parsed = FaultSettingsSchema.safeParse(settings);
      if (!parsed.success) {
        parseEmulatorOptions({ faults: settings });
        return;
      }
      faults.set(parsed.data);
    },
    addClient: (client) => {
      const parsed = ClientSchema.safeParse(client);
      if (!parsed.success) parseEmulatorOptions({ clients: [client] });
      addClient(client);
    },
  };
}
