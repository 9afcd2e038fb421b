/**
 * `POST /mcp`: MCP over Streamable HTTP on the execution server (issue 17), stateless. Each
 * request stands alone: no `Mcp-Session-Id`, a fresh SDK server and transport per request (the
 * SDK's stateless pattern), so replicas behind a load balancer share nothing. Answers are JSON,
 * not SSE streams: a tool call sends no progress, so a stream would only cost a connection.
 *
 * The caller is authenticated from its headers before the body is read and before the SDK sees
 * the request, as the invocation route does: a refused caller gets HTTP 401, is counted by the
 * audit log, measured and logged at debug.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MountContext, RequestHeaders, ServerMount } from '../server/index.js';
import { CancellationRegistry } from './cancellations.js';
import { createMcpServer } from './mcp-server.js';
import type { McpServerInfo } from './mcp-server.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The accepted credential's digest, set by the MCP endpoint's authentication hook. */
    mcpCaller: string | null;
    /** The credential's label for refusal summaries (`bearer:1`). */
    mcpCallerLabel: string | null;
  }
}

/** Where the endpoint is mounted. */
export const MCP_PATH = '/mcp';

/** The headers the SDK's transport reads; nothing else (credentials included) is handed to it. */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id'];

/** A JSON-RPC error answered outside the SDK (authentication, Origin, method, body). */
function rpcError(
  reply: FastifyReply,
  status: number,
  code: number,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const name of TRANSPORT_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(`http://localhost${MCP_PATH}`, { method: 'POST', headers });
}

/**
 * True when the request comes from a browser page of another origin. MCP's transport rules ask
 * servers to check `Origin` against DNS rebinding: a page must not reach a server on loopback
 * through a name it controls. Clients that are not browsers send no `Origin`.
 */
export function isForeignOrigin(headers: RequestHeaders): boolean {
  const origin = headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  context: MountContext & {
    readonly registry: CancellationRegistry;
    readonly info: McpServerInfo;
  },
): Promise<FastifyReply> {
  const server = createMcpServer(
    context.calls,
    {
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress,
      ...(request.mcpCallerLabel === null ? {} : { label: request.mcpCallerLabel }),
      cancellations: context.registry.forCaller(request.mcpCaller ?? ''),
    },
    context.info,
  );
  // No sessionIdGenerator: stateless.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  // The caller hung up before the answer: closing the server aborts its handlers' signals.
  const onClose = (): void => {
    if (!reply.raw.writableEnded) void server.close();
  };
  reply.raw.once('close', onClose);
  try {
    const response = await transport.handleRequest(webRequest(request), {
      parsedBody: request.body,
    });
    reply.code(response.status);
    const type = response.headers.get('content-type');
    if (type !== null) reply.type(type);
    return await reply.send(response.body === null ? '' : await response.text());
  } finally {
    reply.raw.off('close', onClose);
    await server.close();
  }
}

/** Mounts `POST /mcp` on the execution server (`createToolServer({ mounts: [mcpEndpoint()] })`). */
export function mcpEndpoint(info: McpServerInfo): ServerMount {
  return (app: FastifyInstance, context: MountContext) => {
    const registry = new CancellationRegistry();
    app.decorateRequest('mcpCaller', null);
    app.decorateRequest('mcpCallerLabel', null);
    app.addHook('onRequest', async (request, reply) => {
      const verdict = context.authenticate(request.headers);
      if (!verdict.ok) {
        await context.calls.refuse({
          reason: verdict.reason,
          headers: request.headers,
          remoteAddress: request.socket.remoteAddress,
        });
        // The body is not read: close the connection after the answer (issue 14 §4).
        reply.header('connection', 'close');
        reply.header('www-authenticate', 'Bearer');
        return rpcError(reply, 401, -32001, 'Unauthorized: credentials are missing or wrong.');
      }
      if (isForeignOrigin(request.headers)) {
        return rpcError(reply, 403, -32000, 'Forbidden: the Origin header names another host.');
      }
      request.mcpCaller = verdict.caller;
      request.mcpCallerLabel = verdict.label;
      return undefined;
    });
    app.setErrorHandler((error, _request, reply) => {
      const status =
        typeof error === 'object' && error !== null && 'statusCode' in error
          ? Number(error.statusCode)
          : 500;
      if (status === 413) return rpcError(reply, 413, -32000, 'Request body too large.');
      if (status >= 400 && status < 500)
        return rpcError(reply, 400, -32700, 'Parse error: the body must be JSON.');
      return rpcError(reply, 500, -32603, 'Internal error.');
    });
    const mounted = { ...context, registry, info };
    app.post(MCP_PATH, (request, reply) => handle(request, reply, mounted));
    // Stateless: no stream for server-initiated messages (GET) and no session to end (DELETE).
    app.route({
      method: ['GET', 'DELETE'],
      url: MCP_PATH,
      handler: (_request, reply) =>
        rpcError(
          reply.header('allow', 'POST'),
          405,
          -32000,
          'Method not allowed: this stateless MCP endpoint takes POST only.',
        ),
    });
  };
}
