/**
 * The request hooks of the emulator: correlation id, fault injection (latency, dropped
 * connections before or after the route, injected 5xx/429), bearer authentication, the per-token
 * rate limit (reference §3), and the call log.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext, RequestInfo } from './context.js';
import type { createFaultInjector } from './faults.js';
import { authenticate } from './oauth.js';
import type { createRateLimiter } from './rate-limit.js';
import { ApiFailure } from './wire.js';

/** One request as the emulator's call log keeps it. */
export interface EmulatorCall {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The answer's status; 0 when the connection was dropped by a fault. */
  readonly status: number;
  /** The OAuth client of the token (or of the token request). */
  readonly clientId?: string;
  readonly correlationId: string;
  /** When the request arrived (injected clock). */
  readonly atMs: number;
}

/** What the hooks share with the emulator. */
export interface HookParts {
  readonly ctx: EmulatorContext;
  readonly requests: WeakMap<FastifyRequest, RequestInfo & { atMs: number }>;
  readonly calls: EmulatorCall[];
  readonly limiter: ReturnType<typeof createRateLimiter>;
  readonly faults: ReturnType<typeof createFaultInjector>;
}

/** The path and query of a request URL. Pure. */
export function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
  return { path, query };
}

/**
 * Installs the hooks every request passes: correlation id, faults (latency, drops, injected
 * errors), authentication and the per-token rate limit, and the call log.
 */
export function installHooks(app: FastifyInstance, parts: HookParts): void {
  const { ctx, requests, calls, limiter, faults } = parts;
  const droppedAnswers = new WeakSet<FastifyRequest>();
  const record = (request: FastifyRequest, status: number): void => {
    const info = requests.get(request);
    if (info === undefined) return;
    const { path, query } = splitUrl(request.url);
    calls.push({
      method: request.method,
      path,
      query,
      status,
      ...(info.clientId === undefined ? {} : { clientId: info.clientId }),
      correlationId: info.correlationId,
      atMs: info.atMs,
    });
  };

  app.addHook('onRequest', async (request, reply) => {
    const correlationId = randomUUID();
    requests.set(request, { correlationId, atMs: ctx.deps.clock.nowMs() });
    void reply.header('ININ-Correlation-Id', correlationId);
    const { path } = splitUrl(request.url);
    if (path.startsWith('/__emulator/')) return;

    const fault = faults.decide(request.method, path);
    if (fault.latencyMs > 0) await ctx.deps.clock.sleep(fault.latencyMs);
    if (fault.kind === 'drop' && fault.phase === 'request') {
      record(request, 0);
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.kind === 'drop') droppedAnswers.add(request);
    if (path.startsWith('/api/v2/')) {
      const token = authenticate(
        request.headers.authorization,
        ctx.store.state.tokens,
        ctx.deps.clock.nowMs(),
      );
      const info = ctx.info(request);
      info.clientId = token.clientId;
      const decision = limiter.check(token.token, ctx.deps.clock.nowMs());
      void reply.headers(decision.headers);
      if (!decision.allowed) {
        throw new ApiFailure(
          429,
          'too.many.requests.retry.after',
          `Rate limit exceeded the maximum. Retry the request in [${String(decision.retryAfterSeconds)}] seconds`,
          {
            messageWithParams:
              'Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds',
            messageParams: { retryAfter: String(decision.retryAfterSeconds) },
          },
        );
      }
    }
    if (fault.kind === 'error') throw faultFailure(fault.status, fault.retryAfterSeconds);
  });

  // A response-phase drop: the route has run (a write took effect); the answer is never sent.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!droppedAnswers.has(request)) return payload;
    record(request, 0);
    reply.hijack();
    request.raw.socket.destroy();
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!droppedAnswers.has(request)) record(request, reply.statusCode);
  });
}

function faultFailure(status: number, retryAfterSeconds: number): ApiFailure {
  const retry = { 'retry-after': String(retryAfterSeconds) };
  switch (status) {
    case 429:
      return new ApiFailure(
        429,
        'too.many.requests.retry.after',
        `Rate limit exceeded the maximum. Retry the request in [${String(retryAfterSeconds)}] seconds`,
        { headers: retry },
      );
    case 503:
      return new ApiFailure(503, 'service.unavailable', 'Service Unavailable (injected fault)', {
        headers: retry,
      });
    case 504:
      return new ApiFailure(504, 'request.timeout', 'The request timed out (injected fault)');
    case 502:
      return new ApiFailure(502, 'bad.gateway', 'Bad Gateway (injected fault)');
    default:
      return new ApiFailure(
        500,
        'internal.server.error',
        'The server encountered an unexpected condition (injected fault)',
      );
  }
}
