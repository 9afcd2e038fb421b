/**
 * `genesys-tools mcp --tools examples/tools`, the built CLI, spawned by the SDK's own stdio client
 * as an assistant would: stdout carries protocol messages only, logs go to stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, ROOT } from './support.js';

/** Tools that wait for their signal, compiled JavaScript importing the built package. */
function waitingTools(dir: string): string {
  const tools = join(dir, 'tools');
  mkdirSync(tools);
  writeFileSync(join(tools, 'package.json'), '{"type":"module"}');
  const index = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const waiting = (name: string, timeoutMs: number): string => `import { defineTool } from ${index};
export default defineTool({
  name: '${name}',
  description: 'Waits until its signal aborts',
  input: { type: 'object', properties: {}, additionalProperties: false },
  timeoutMs: ${String(timeoutMs)},
  handler: (_p, ctx) => new Promise((_resolve, reject) => {
    ctx.signal.addEventListener('abort', () => {
      ctx.logger.info({}, 'handler signal aborted');
      reject(new Error('aborted'));
    });
    ctx.logger.info({}, 'handler started');
  }),
});
`;
  writeFileSync(join(tools, 'slow.tool.js'), waiting('slow', 100));
  writeFileSync(join(tools, 'waits.tool.js'), waiting('waits', 60_000));
  return tools;
}

async function stdioClient(env: Record<string, string> = {}, toolsDir = 'examples/tools') {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--tools', toolsDir],
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  onTestFinished(async () => {
    await client.close();
  });
  /** Resolves once stderr holds `text` (on the chunk that brings it; no polling). */
  const logged = (text: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!stderr.includes(text)) return;
        transport.stderr?.off('data', check);
        resolve();
      };
      transport.stderr?.on('data', check);
      check();
    });
  return { client, stderr: () => stderr, logged };
}

describe('genesys-tools mcp (stdio)', () => {
  it('answers tools/list and tools/call over stdio, with logs on stderr only', async () => {
    const { client, stderr, logged } = await stdioClient();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['check_inventory', 'order_status']);
    const ajv = new Ajv2020({ strict: false });
    for (const t of tools) {
      expect(ajv.validateSchema(t.inputSchema), JSON.stringify(ajv.errors)).toBe(true);
      if (t.outputSchema !== undefined) {
        expect(ajv.validateSchema(t.outputSchema), JSON.stringify(ajv.errors)).toBe(true);
      }
    }
    const ok = await client.callTool({ name: 'check_inventory', arguments: { sku: 'SKU-1' } });
    expect(ok.structuredContent).toMatchObject({ sku: 'SKU-1' });
    const bad = await client.callTool({ name: 'check_inventory', arguments: { sku: 5 } });
    expect(bad.isError).toBe(true);
    expect(bad._meta).toMatchObject({ error_code: 'INVALID_PARAMETERS' });
    // Any stray stdout line would have broken the client's JSON-RPC parsing before this point;
    // the log lines are on stderr. A call's line leaves at the end of its event-loop turn, after
    // its reply (telemetry/log-destination.ts): wait for it rather than read stderr at once.
    expect(stderr()).toContain('serving tools over MCP on stdio');
    await logged('"outcome":"success"');
    expect(stderr()).toContain('"outcome":"success"');
  });

  it('writes one audit record per call when given --audit-file (through the environment)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-'));
    onTestFinished(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const file = join(dir, 'audit.jsonl');
    const { client } = await stdioClient({ GENESYS_TOOLS_AUDIT_FILE: file });
    await client.callTool({ name: 'order_status', arguments: { order_id: 'ORD-10042' } });
    await client.close();
    expect(existsSync(file)).toBe(true);
    const records = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"invocationId"'));
    expect(records).toHaveLength(1);
    expect(records[0]).toContain('"tool":"order_status"');
  });

  it('times a tool out and cancels a call on notifications/cancelled, aborting the handler signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-'));
    onTestFinished(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const { client, logged } = await stdioClient({}, waitingTools(dir));
    const slow = await client.callTool({ name: 'slow', arguments: {} });
    expect(slow.isError).toBe(true);
    expect(slow._meta).toMatchObject({ error_code: 'TOOL_EXECUTION_TIMEOUT' });
    await logged('"tool":"slow"');

    const unknown = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: -32602 });

    const controller = new AbortController();
    const call = client
      .callTool({ name: 'waits', arguments: {} }, undefined, { signal: controller.signal })
      .catch((e: unknown) => e);
    await logged('"tool":"waits","msg":"handler started"');
    controller.abort('stop');
    await logged('"tool":"waits","msg":"handler signal aborted"');
    await logged('"errorCode":"CALLER_GONE"');
    expect(await call).toBeInstanceOf(Error);
  });
});
