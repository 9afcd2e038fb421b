/**
 * The local Genesys Cloud: one Fastify app serving the login host (`POST /oauth/token`) and the
 * API host (`/api/v2/...`) with Genesys' conventions (DESIGN "Emulator", reference §9).
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { systemDeps } from '../deps.js';
import type { ClientRecord, EmulatorContext, RequestInfo } from './context.js';
import { seedAgents } from './agents.js';
import { createFaultInjector } from './faults.js';
import { seedGuides } from './guides.js';
import type { EmulatorClient, EmulatorOptions, FaultSettings } from './options.js';
import { ClientSchema, FaultSettingsSchema, parseEmulatorOptions } from './options.js';
import { registerOAuthRoutes } from './oauth.js';
import { createRateLimiter } from './rate-limit.js';
import type { EmulatorCall } from './request-hooks.js';
import { installHooks, splitUrl } from './request-hooks.js';
import { registerRoutes } from './routes.js';
import { createSchemaCompiler } from './schema-compiler.js';
import { openStore } from './store.js';
import { ApiFailure, parseBody } from './wire.js';

/** Largest request body the platform accepts (reference §3 `request.bytes.max`). */
export const MAX_BODY_BYTES = 512_000;

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
  const fullDeps = systemDeps(deps);
  const store = openStore(opts.dataDir);
  const clients = new Map<string, ClientRecord>();
  const addClient = (input: EmulatorClient): void => {
    const client = parseBody(ClientSchema, input, 'client');
    clients.set(client.id, {
      id: client.id,
      secret: client.secret,
      permissions: client.permissions === undefined ? undefined : new Set(client.permissions),
      tokenLifetimeSeconds: client.tokenLifetimeSeconds ?? opts.tokenLifetimeSeconds,
    });
  };
  for (const client of opts.clients) addClient(client);

  const requests = new WeakMap<FastifyRequest, RequestInfo & { atMs: number }>();
  const calls: EmulatorCall[] = [];
  const limiter = createRateLimiter(opts.rateLimitPerMinute);
  const faults = createFaultInjector(opts.faults ?? { rules: [] }, opts.seed);

  const ctx: EmulatorContext = {
    options: opts,
    clients,
    store,
    deps: fullDeps,
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
  seedGuides(ctx);
  seedAgents(ctx);

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: false,
    // Errors Fastify raises before any hook runs (a malformed URL): still a Genesys ErrorBody.
    frameworkErrors: (error, _request, reply) => {
      const correlationId = randomUUID();
      const body = new ApiFailure(400, 'bad.request', error.message).toBody(correlationId);
      reply.hijack();
      reply.raw.writeHead(400, {
        'content-type': 'application/json; charset=utf-8',
        'ININ-Correlation-Id': correlationId,
      });
      reply.raw.end(JSON.stringify(body));
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

function installParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text) as unknown);
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'parse error';
        done(
          new ApiFailure(400, 'bad.request', `The request body is not valid JSON: ${reason}`),
          undefined,
        );
      }
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')));
    },
  );
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

// Fastify's own failures (parsers, body limit, media type) mapped to Genesys codes; the emulator
// never answers with Fastify's default body.
function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ApiFailure(
          413,
          'request.entity.too.large',
          `The request body is larger than the maximum of ${String(MAX_BODY_BYTES)} bytes.`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        // Reference §4 also lists 415 unsupported.media.type; issue 4 asks for a 400 here.
        return new ApiFailure(
          400,
          'bad.request',
          'The request body must be sent as application/json.',
          {
            details: [{ errorCode: 'UNSUPPORTED_MEDIA_TYPE', fieldName: 'Content-Type' }],
          },
        );
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new ApiFailure(
          400,
          'bad.request',
          `The request body is not valid: ${error.message}`,
        );
      default:
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return new ApiFailure(400, 'bad.request', error.message);
        }
    }
  }
  return new ApiFailure(
    500,
    'internal.server.error',
    'The server encountered an unexpected condition.',
  );
}

function installErrorHandling(app: FastifyInstance, ctx: EmulatorContext): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = toApiFailure(error);
    if (failure.status === 500 && !(error instanceof ApiFailure)) {
      ctx.deps.logger.error({ err: error, url: request.url }, 'emulator route failed');
    }
    const correlationId = requestsCorrelation(ctx, request);
    return reply
      .code(failure.status)
      .header('ININ-Correlation-Id', correlationId)
      .headers(failure.extras.headers ?? {})
      .type('application/json')
      .send(failure.toBody(correlationId));
  });
  app.setNotFoundHandler(async (request, reply) => {
    const correlationId = requestsCorrelation(ctx, request);
    const { path } = splitUrl(request.url);
    return reply
      .code(404)
      .header('ININ-Correlation-Id', correlationId)
      .send(
        new ApiFailure(404, 'not.found', `No resource at ${request.method} ${path}`).toBody(
          correlationId,
        ),
      );
  });
}

function requestsCorrelation(ctx: EmulatorContext, request: FastifyRequest): string {
  try {
    return ctx.info(request).correlationId;
  } catch {
    return randomUUID();
  }
}
