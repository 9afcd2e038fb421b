import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadTools } from '../../src/definition/index.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { TOKEN, tool } from '../server/helpers.js';
import { awaitableAudit, httpClient, mcpServer } from './support.js';

async function exampleTools() {
  const { tools, issues } = await loadTools(['examples/tools'], { cwd: process.cwd() });
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return tools;
}

/** The text of a tool result's first content item. */
function textOf(result: Record<string, unknown>): string {
  const content = result['content'];
  if (!Array.isArray(content)) return '';
  const first: unknown = content[0];
  return typeof first === 'object' &&
    first !== null &&
    'text' in first &&
    typeof first.text === 'string'
    ? first.text
    : '';
}

/** The value of the one sample of `metric` whose labels include every one of `labels`. */
function sample(text: string, metric: string, labels: readonly string[]): number | undefined {
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && labels.every((label) => l.includes(label)));
  expect(lines).toHaveLength(1);
  return Number(lines[0]?.split(' ').at(-1));
}

describe('MCP over Streamable HTTP (serve --mcp)', () => {
  it('lists the example tools with 2020-12 schemas and calls check_inventory with structuredContent', async () => {
    const audit = awaitableAudit();
    const base = await mcpServer(await exampleTools(), { audit });
    const client = await httpClient(base);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['check_inventory', 'order_status']);
    const check = tools.find((t) => t.name === 'check_inventory');
    expect(check?.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['sku'],
    });
    expect(check?.outputSchema).toMatchObject({ type: 'object' });
    const ajv = new Ajv2020({ strict: false });
    for (const t of tools) {
      expect(JSON.stringify(t.inputSchema)).not.toContain('$ref');
      // Compiles as draft 2020-12 (the meta-schema check runs with validateSchema's default).
      expect(ajv.validateSchema(t.inputSchema), JSON.stringify(ajv.errors)).toBe(true);
      ajv.compile(t.inputSchema);
      if (t.outputSchema !== undefined) {
        expect(ajv.validateSchema(t.outputSchema), JSON.stringify(ajv.errors)).toBe(true);
        ajv.compile(t.outputSchema);
      }
    }

    const result = await client.callTool({
      name: 'check_inventory',
      arguments: { sku: 'SKU-12345', warehouse_id: 'WH-1' },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      sku: 'SKU-12345',
      inventory_level: expect.any(Number) as unknown,
    });
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      tool: 'check_inventory',
      outcome: 'success',
      parameters: { sku: 'SKU-12345', warehouse_id: 'WH-1' },
    });
  });

  it('refuses a caller without the token with HTTP 401 before any MCP message is handled', async () => {
    const audit = awaitableAudit();
    const refusals: string[] = [];
    const base = await mcpServer([tool()], {
      audit: { ...audit, refused: (r) => refusals.push(r.reason) },
    });
    const error = await httpClient(base, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
    const wrong = await httpClient(base, { authorization: 'Bearer not-the-token-at-all' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((wrong as StreamableHTTPError).code).toBe(401);
    expect(refusals).toEqual(['missing-credentials', 'wrong-credentials']);
    expect(audit.entries).toEqual([]);
  });

  it('accepts Basic auth and an API-key header like the invocation route', async () => {
    const base = await mcpServer([tool()], {
      auth: {
        bearerTokens: [TOKEN],
        basicAuth: ['genesys:s3cret-pass'],
        apiKeyHeader: 'x-api-key',
      },
    });
    const basic = await httpClient(base, {
      authorization: `Basic ${Buffer.from('genesys:s3cret-pass').toString('base64')}`,
    });
    expect((await basic.listTools()).tools).toHaveLength(1);
    const apiKey = await httpClient(base, { 'x-api-key': TOKEN });
    const result = await apiKey.callTool({ name: 'check_inventory', arguments: { sku: 'A-1' } });
    expect(result.structuredContent).toEqual({ sku: 'A-1', inventory_level: 42 });
  });

  it('answers bad arguments with isError naming the field and INVALID_PARAMETERS in _meta', async () => {
    const audit = awaitableAudit();
    const base = await mcpServer(await exampleTools(), { audit });
    const client = await httpClient(base);
    const result = await client.callTool({ name: 'check_inventory', arguments: { sku: 5 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^INVALID_PARAMETERS: .*\/sku/);
    expect(result._meta).toMatchObject({
      error_code: 'INVALID_PARAMETERS',
      details: [{ path: '/sku' }],
    });
    expect(audit.entries).toEqual([
      expect.objectContaining({ outcome: 'error', errorCode: 'INVALID_PARAMETERS' }),
    ]);
  });

  it('answers an unknown tool with a protocol error (-32602) and still audits the call', async () => {
    const audit = awaitableAudit();
    const base = await mcpServer([tool()], { audit });
    const client = await httpClient(base);
    const error = await client.callTool({ name: 'no_such_tool', arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('no_such_tool');
    expect(audit.entries).toEqual([
      expect.objectContaining({ tool: 'no_such_tool', errorCode: 'UNKNOWN_TOOL' }),
    ]);
  });

  it('times a slow tool out: isError TOOL_EXECUTION_TIMEOUT and the handler signal aborted', async () => {
    let aborted: Promise<void> | undefined;
    const slow = tool({
      timeoutMs: 50,
      handler: (_p, ctx) => {
        aborted = new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            resolve();
          });
        });
        return new Promise(() => undefined);
      },
    });
    const base = await mcpServer([slow]);
    const client = await httpClient(base);
    const result = await client.callTool({ name: 'check_inventory', arguments: { sku: 'A-1' } });
    expect(result.isError).toBe(true);
    expect(result._meta).toMatchObject({ error_code: 'TOOL_EXECUTION_TIMEOUT' });
    expect(textOf(result)).toContain('did not finish within 50 ms');
    await aborted;
  });

  it("aborts the handler's signal when the client cancels (notifications/cancelled in a request of its own)", async () => {
    const audit = awaitableAudit();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let sawAbort!: () => void;
    const abortSeen = new Promise<void>((resolve) => {
      sawAbort = resolve;
    });
    const waiting = tool({
      timeoutMs: 60_000,
      handler: (_p, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort();
            reject(new Error('aborted'));
          });
          started();
        }),
    });
    const base = await mcpServer([waiting], { audit });
    const client = await httpClient(base);
    const controller = new AbortController();
    const call = client
      .callTool({ name: 'check_inventory', arguments: { sku: 'A-1' } }, undefined, {
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    await running;
    controller.abort('the user pressed stop');
    await abortSeen;
    await audit.holds(1);
    expect(audit.entries[0]).toMatchObject({ outcome: 'error', errorCode: 'CALLER_GONE' });
    expect(await call).toBeInstanceOf(Error);
  });

  it('counts MCP calls in the metrics with protocol="mcp", beside HTTP calls', async () => {
    const telemetry = await createTelemetry({ toolNames: ['check_inventory'], metricsPort: false });
    const base = await mcpServer([tool()], { observer: telemetry.observer });
    const client = await httpClient(base);
    await client.callTool({ name: 'check_inventory', arguments: { sku: 'A-1' } });
    await client.callTool({ name: 'check_inventory', arguments: { sku: 7 } });
    await fetch(`${base}/api/v1/tools/check_inventory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'B-2' } }),
    });
    const text = await telemetry.collectPrometheusText();
    await telemetry.shutdown();
    expect(
      sample(text, 'genesys_tools_invocation_successes_total', ['genesys_tools_protocol="mcp"']),
    ).toBe(1);
    expect(
      sample(text, 'genesys_tools_invocation_successes_total', ['genesys_tools_protocol="http"']),
    ).toBe(1);
    expect(
      sample(text, 'genesys_tools_invocation_errors_total', [
        'genesys_tools_protocol="mcp"',
        'error_type="INVALID_PARAMETERS"',
      ]),
    ).toBe(1);
  });

  it('answers GET and DELETE with 405 (stateless: no stream, no session) and gives no session id', async () => {
    const base = await mcpServer([tool()]);
    const get = await fetch(`${base}/mcp`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const init = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'x', version: '1' },
        },
      }),
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
  });

  it('refuses a request from a browser page of another origin (DNS rebinding)', async () => {
    const base = await mcpServer([tool()]);
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        origin: 'http://evil.example',
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(403);
  });
});
