/**
 * MCP over stdio (issue 17): one SDK server on the process's stdin and stdout, for assistants that
 * start the tools as a subprocess. stdout carries protocol messages only; logs go elsewhere.
 * Unauthenticated: whoever can start the process can call the tools.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import type { ToolCalls } from '../server/index.js';
import { createMcpServer } from './mcp-server.js';
import type { McpServerInfo } from './mcp-server.js';

/** Serves `calls` over `stdin`/`stdout` until stdin ends or `signal` aborts; resolves then. */
export async function serveStdio(
  calls: ToolCalls,
  io: {
    readonly stdin: Readable;
    readonly stdout: Writable;
    readonly info: McpServerInfo;
    readonly signal: AbortSignal;
  },
): Promise<void> {
  const server = createMcpServer(calls, { headers: {}, remoteAddress: undefined }, io.info);
  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  const stop = (): void => {
    void server.close();
  };
  // The SDK's stdio transport does not watch for the end of its input.
  io.stdin.once('end', stop);
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    await server.connect(transport);
    if (io.signal.aborted) stop();
    await closed;
  } finally {
    io.stdin.off('end', stop);
    io.signal.removeEventListener('abort', stop);
  }
}
