/** Test helpers of the MCP room: a server with `/mcp` mounted, and the SDK's own client on it. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { onTestFinished } from 'vitest';
import type { ToolDefinition } from '../../src/definition/index.js';
import { mcpEndpoint } from '../../src/mcp/index.js';
import { createToolServer } from '../../src/server/index.js';
import type { AuditEntry, AuditSink, ToolServerOptions } from '../../src/server/index.js';
import type { Deps } from '../../src/deps.js';
import { TOKEN } from '../server/helpers.js';

export const INFO = { name: 'genesys-tools', version: '0.0.0-test' };

/** An audit sink that keeps its entries and resolves `next(n)` once it holds n of them. */
export function awaitableAudit(): AuditSink & {
  readonly entries: AuditEntry[];
  holds(count: number): Promise<void>;
} {
  const entries: AuditEntry[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    entries,
    append: async (entry) => {
      entries.push(entry);
      for (const w of [...waiters]) {
        if (entries.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    holds: (count) =>
      entries.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push({ count, resolve });
          }),
  };
}

/** Starts an execution server with `/mcp` on 127.0.0.1, closed when the test finishes. */
export async function mcpServer(
  tools: readonly ToolDefinition[],
  options: Partial<ToolServerOptions> = {},
  deps: Partial<Deps> = {},
): Promise<string> {
  const app = await createToolServer(
    {
      tools: [...tools],
      auth: { bearerTokens: [TOKEN] },
      mounts: [mcpEndpoint(INFO)],
      ...options,
    },
    deps,
  );
  onTestFinished(async () => {
    await app.close();
  });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** The SDK's client over Streamable HTTP, connected (initialize), closed when the test finishes. */
export async function httpClient(
  base: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: { headers },
  });
  onTestFinished(async () => {
    await client.close();
  });
  await client.connect(transport);
  return client;
}
