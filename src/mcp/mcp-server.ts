/**
 * The MCP server of the served tools, on the official SDK's low-level `Server`: the tools are
 * already JSON Schema 2020-12 with their own validators and pipeline, so `McpServer`'s zod-based
 * `registerTool` (its own validation, its own error wording) would stand between the tool and
 * its contract. `Server` is the SDK's class for exactly this ("advanced use cases").
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHeaders, ToolCalls } from '../server/index.js';
import { callResult, listedTool } from './tool-result.js';

/** Where the calls of one MCP connection come from. */
export interface McpCaller {
  /** The headers of the HTTP request (trace context, `ININ-*` ids); empty over stdio. */
  readonly headers: RequestHeaders;
  readonly remoteAddress: string | undefined;
  /** The accepted credential's label (`bearer:1`) over HTTP; absent over stdio. */
  readonly label?: string;
  /**
   * Cancellation across requests, for stateless Streamable HTTP, where `notifications/cancelled`
   * arrives in a request of its own; absent over stdio, where the SDK's own cancellation reaches
   * the handler's signal.
   */
  readonly cancellations?: CallerCancellations;
}

/** The calls in flight of one caller, by JSON-RPC request id. */
export interface CallerCancellations {
  /** Lists a call; returns the function that removes it. */
  add(requestId: string | number, controller: AbortController): () => void;
  /** Aborts the call with that id, if exactly one of this caller's is in flight. */
  cancel(requestId: string | number): void;
}

/** Name and version the server gives in `initialize`. */
export interface McpServerInfo {
  readonly name: string;
  readonly version: string;
}

/** What the faces do with a built server: connect it to a transport, close it. */
export interface McpConnection {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
  /** Called once the server is closed (its transport ended or `close()` ran). */
  onclose?: (() => void) | undefined;
}

/** Builds an MCP server (tools capability only) whose calls run through `calls`. */
export function createMcpServer(
  calls: ToolCalls,
  caller: McpCaller,
  info: McpServerInfo,
): McpConnection {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see the header: the low-level server on purpose
  const server = new Server(
    { name: info.name, version: info.version },
    { capabilities: { tools: { listChanged: false } } },
  );
  const listed = { tools: calls.tools.map(listedTool) };
  server.setRequestHandler(ListToolsRequestSchema, () => listed);
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const controller = new AbortController();
    const onAbort = (): void => {
      controller.abort();
    };
    extra.signal.addEventListener('abort', onAbort, { once: true });
    const remove = caller.cancellations?.add(extra.requestId, controller);
    try {
      const result = await calls.call({
        toolName: request.params.name,
        parameters: request.params.arguments ?? {},
        headers: caller.headers,
        remoteAddress: caller.remoteAddress,
        caller: caller.label,
        signal: controller.signal,
      });
      if (!result.ok && result.error.code === 'UNKNOWN_TOOL') {
        // A protocol error (MCP "Tools" › "Error Handling"): the call names no tool at all.
        throw new McpError(
          ErrorCode.InvalidParams,
          `Unknown tool: ${request.params.name}; tools/list names the tools served here.`,
        );
      }
      return callResult(result);
    } finally {
      remove?.();
      extra.signal.removeEventListener('abort', onAbort);
    }
  });
  const cancellations = caller.cancellations;
  if (cancellations !== undefined) {
    server.setNotificationHandler(CancelledNotificationSchema, (notification) => {
      const id = notification.params.requestId;
      if (id !== undefined) cancellations.cancel(id);
    });
  }
  return server;
}
