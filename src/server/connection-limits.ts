/**
 * Bounds on connections (issue 14 §4): a request must arrive within `requestTimeoutMs`, a silent
 * connection is closed after `connectionTimeoutMs` unless a call runs on it, and at most
 * `maxConnections` are open. Without them a client sending a byte every 20 s held its connection
 * for ever, and 1,100 such clients took every file descriptor.
 */
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** The limits, as the server options name them. */
export interface ConnectionLimits {
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly maxConnections: number;
}

/**
 * Fastify's options for the limits. Node checks request deadlines every
 * `connectionsCheckingInterval` (30 s by default), so the interval follows the timeout: a short
 * timeout is enforced close to its time.
 */
export function connectionOptions(limits: ConnectionLimits): {
  http: ServerOptions;
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
} {
  return {
    requestTimeout: limits.requestTimeoutMs,
    // Node sets a kept-alive socket's timeout to keepAliveTimeout between requests: the same
    // bound, so an idle connection is closed after connectionTimeoutMs whatever it did before.
    keepAliveTimeout: limits.connectionTimeoutMs,
    // Applied by Fastify as `server.setTimeout`; `closeIdleConnections` below decides what a
    // silence means, since Node would otherwise destroy a socket whose call is still running.
    connectionTimeout: limits.connectionTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(
        30_000,
        Math.max(5, Math.floor(limits.requestTimeoutMs / 4)),
      ),
    },
  };
}

/**
 * Sets the connection bound and closes silent connections, except those with a call in flight:
 * a tool may run for up to its `timeoutMs` (60 s at most) without a byte on the socket, and that
 * is bounded by the tool's own timeout.
 */
export function limitConnections(app: FastifyInstance, limits: ConnectionLimits): void {
  app.server.maxConnections = limits.maxConnections;
  const busy = new WeakSet<Socket>();
  app.addHook('onRequest', (request, _reply, done) => {
    busy.add(request.raw.socket);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    busy.delete(request.raw.socket);
    done();
  });
  app.server.on('timeout', (socket: Socket) => {
    if (!busy.has(socket)) socket.destroy();
  });
}
