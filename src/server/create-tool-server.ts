/**
 * `createToolServer()`: the execution server Genesys calls (issue 6, DESIGN "Invocation contract"),
 * on Fastify 5. Returns a ready app; only the CLI calls `listen`.
 */
import { createHash, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { systemDeps } from '../deps.js';
import type { Deps } from '../deps.js';
import { InvocationError } from '../errors.js';
import { createCallerAuth } from './caller-auth.js';
import type { CallerAuth, Headers as RequestHeaders } from './caller-auth.js';
import { connectionOptions, limitConnections } from './connection-limits.js';
import { toInvocationError } from './call-outcome.js';
import { sendError } from './call-reply.js';
import { registerHealthRoutes } from './health.js';
import { registerInvokeRoute } from './invoke-route.js';
import { declareRequestSlots } from './request-slots.js';
import type { InvocationObserver } from './observer.js';
import { parseServerOptions } from './options.js';
import type { ToolServerOptions } from './options.js';
import { InFlightCalls } from './call-cancellation.js';
import { serveTools } from './serve-tools.js';
import { callsOver } from './tool-calls.js';
import type { MountAuthResult, MountContext } from './tool-call-types.js';

function unknownEndpoint(): InvocationError {
  return new InvocationError(
    'UNKNOWN_TOOL',
    'no such endpoint; tools are served at POST /api/v1/tools/{name}.',
  );
}

/** An observer that records nothing: the default when telemetry is not wired. */
export const noopObserver: InvocationObserver = {
  start: () => ({ traceId: undefined, end: () => undefined }),
  circuitChanged: () => undefined,
};

/**
 * Header authentication for a mounted face. A signed call signs an invocation envelope, which a
 * mounted face does not take, so signatures are refused there.
 */
function mountAuthentication(
  auth: CallerAuth,
  apiKeyHeader: string | undefined,
  headers: RequestHeaders,
): MountAuthResult {
  const verdict = auth.checkHeaders(headers);
  if (verdict === 'needs-body') return { ok: false, reason: 'bad-signature' };
  if (!verdict.ok) return verdict;
  const credential =
    verdict.method === 'api-key' && apiKeyHeader !== undefined
      ? headers[apiKeyHeader]
      : headers.authorization;
  const text = typeof credential === 'string' ? credential : '';
  return {
    ok: true,
    caller: createHash('sha256').update(text).digest('hex'),
    label: verdict.caller,
  };
}

/**
 * Builds the execution server: `POST /api/v1/tools/:name` for every tool with a handler,
 * `GET /api/v1/tools/registry`, `/healthz`, `/readyz`. `app.close()` stops accepting, lets calls in
 * flight finish for up to `drainTimeoutMs`, then aborts their signals and drops their connections.
 * @throws ConfigError CONFIG_INVALID for bad options, no authentication, or a tool without handler.
 */
export async function createToolServer(
  input: ToolServerOptions,
  depsInput: Partial<Deps> = {},
): Promise<FastifyInstance> {
  const options = parseServerOptions(input);
  const deps = systemDeps(depsInput);
  const observer = options.observer ?? noopObserver;
  const served = serveTools(options.tools, deps, observer, options.sharedState);
  const auth = createCallerAuth(
    {
      ...options.auth,
      toleranceSeconds: options.signatureToleranceSeconds,
      replayCacheSize: options.replayCacheSize,
    },
    deps.clock,
    options.sharedState,
  );

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    ...connectionOptions(options),
    // Fastify's own 503 while closing has its default body; calls on kept-alive connections
    // during the drain are served instead, and /readyz says 503.
    return503OnClosing: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // URLs Fastify refuses before routing (a tool name past maxParamLength, bad percent-encoding)
    // name no tool we serve: the contract's 404 instead of Fastify's default body.
    frameworkErrors: (_error, _request, reply) => {
      void sendError(reply, unknownEndpoint(), randomUUID());
    },
    // A request Node cannot parse as HTTP never reaches Fastify; answer it in the contract shape.
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      if ('code' in error && error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        // The request did not arrive within requestTimeoutMs: no body for a client that dribbles.
        socket.end(
          'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
      const body = JSON.stringify({
        status: 'error',
        output: null,
        error_code: 'INVALID_PAYLOAD',
        message: 'the request is not valid HTTP.',
        invocation_id: randomUUID(),
      });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  });

  // Every body is read as text (signatures cover the exact bytes) and parsed as JSON whatever its
  // Content-Type, by Fastify's secure-json-parse parser (refuses __proto__ / constructor.prototype).
  declareRequestSlots(app);
  limitConnections(app, options);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    void parseJson(request, text, done);
  });

  let draining = false;
  const inFlight = new InFlightCalls();
  const drainTimer = new AbortController();

  app.setNotFoundHandler((_request, reply) => sendError(reply, unknownEndpoint(), randomUUID()));
  app.setErrorHandler((error, _request, reply) => {
    // Errors of the health and registry routes, and of requests that matched no route.
    const invocationId = randomUUID();
    const failure = toInvocationError(error, {
      invocationId,
      log: () => deps.logger.child({ invocationId }),
      secrets: auth.secrets,
    });
    return sendError(reply, failure, invocationId);
  });

  registerHealthRoutes(app, {
    tools: [...served.values()],
    auth,
    remoteStatus: options.remoteStatus,
    isDraining: () => draining,
    audit: options.audit,
    sharedState: options.sharedState,
    logger: deps.logger,
  });
  await app.register((scope, _opts, done) => {
    registerInvokeRoute(scope, {
      tools: served,
      auth,
      deps,
      observer,
      audit: options.audit,
      inFlight,
    });
    done();
  });

  // Other faces of the same pipeline (MCP, issue 17), each in its own encapsulated scope.
  for (const mount of options.mounts) {
    const context: MountContext = {
      calls: callsOver({
        served,
        deps,
        observer,
        audit: options.audit,
        secrets: auth.secrets,
        inFlight,
        protocol: 'mcp',
      }),
      authenticate: (headers) => mountAuthentication(auth, options.auth.apiKeyHeader, headers),
    };
    await app.register(async (scope) => {
      await mount(scope, context);
    });
  }

  app.addHook('preClose', (done) => {
    draining = true;
    deps.logger.info({ drainTimeoutMs: options.drainTimeoutMs }, 'draining calls in flight');
    // Not awaited: the drain runs while Fastify's close waits for the in-flight requests.
    void deps.clock.sleep(options.drainTimeoutMs, drainTimer.signal).then(
      () => {
        deps.logger.warn({}, 'drain deadline passed; aborting calls still in flight');
        inFlight.abortAll();
        app.server.closeAllConnections();
      },
      () => undefined,
    );
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    drainTimer.abort();
    deps.logger.info({}, 'server closed');
    done();
  });

  await app.ready();
  return app;
}
