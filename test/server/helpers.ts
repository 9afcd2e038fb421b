/** Test helpers of the server room: hand-built tools, recording sinks, an app per test. */
import type { FastifyInstance } from 'fastify';
import { onTestFinished } from 'vitest';
import type { Deps, Logger } from '../../src/deps.js';
import type { ToolDefinition, ToolHandler } from '../../src/definition/index.js';
import { createToolServer } from '../../src/server/index.js';
import type {
  AuditEntry,
  AuditSink,
  InvocationObserver,
  InvocationResult,
  ToolServerOptions,
} from '../../src/server/index.js';

export const TOKEN = 'test-token-0123456789';
export const TOKEN_2 = 'rotated-token-9876543210';

/** A tool as defineTool would produce it, built by hand. */
export function tool(
  overrides: Partial<Omit<ToolDefinition, 'handler'>> & { handler?: ToolHandler } = {},
): ToolDefinition {
  return {
    name: 'check_inventory',
    description: 'Checks inventory levels for a SKU',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        sku: { type: 'string', minLength: 1 },
        quantity: { type: 'integer', minimum: 1, maximum: 100 },
      },
      required: ['sku'],
      additionalProperties: false,
    },
    rateLimit: { requestsPerMinute: 100_000, burstSize: 10_000 },
    timeoutMs: 2000,
    retries: 0,
    concurrency: { maxConcurrent: 50, maxQueue: 100 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    handler: (parameters) => ({ sku: parameters['sku'], inventory_level: 42 }),
    ...overrides,
  };
}

/** An audit sink that keeps its entries. */
export function memoryAudit(): AuditSink & { readonly entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    append: async (entry) => {
      entries.push(entry);
    },
  };
}

/** An observer that records starts, ends and circuit changes. */
export function recordingObserver(): InvocationObserver & {
  readonly started: string[];
  readonly ended: InvocationResult[];
  readonly circuits: string[];
} {
  const started: string[] = [];
  const ended: InvocationResult[] = [];
  const circuits: string[] = [];
  return {
    started,
    ended,
    circuits,
    start: (info) => {
      started.push(info.invocationId);
      return { traceId: 'trace-1', end: (result) => ended.push(result) };
    },
    circuitChanged: (name, state) => circuits.push(`${name}:${state}`),
  };
}

/** A logger that keeps every line with its bindings. */
export function recordingLogger(): Logger & {
  readonly lines: { level: string; msg?: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; msg?: string; fields: Record<string, unknown> }[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: string) =>
      (obj: Record<string, unknown>, msg?: string): void => {
        lines.push({
          level,
          ...(msg === undefined ? {} : { msg }),
          fields: { ...bindings, ...obj },
        });
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { lines });
}

/** A server closed when the test finishes. */
export async function server(
  options: Partial<ToolServerOptions> = {},
  deps: Partial<Deps> = {},
): Promise<FastifyInstance> {
  const app = await createToolServer(
    { tools: [tool()], auth: { bearerTokens: [TOKEN] }, ...options },
    deps,
  );
  onTestFinished(async () => {
    await app.close();
  });
  return app;
}

/** The headers of an authenticated JSON call. */
export const authed = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** Calls a tool with the valid envelope. */
export function invoke(
  app: FastifyInstance,
  parameters: unknown = { sku: 'A-1' },
  name = 'check_inventory',
  headers: Record<string, string> = authed,
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/tools/${name}`,
    headers,
    payload: JSON.stringify({ tool_name: name, parameters }),
  });
}

/** The reply body of any server route, loosely typed for assertions. */
export interface WireBody {
  readonly status: string;
  readonly output?: unknown;
  readonly error_code?: string;
  readonly message?: string;
  readonly invocation_id?: string;
  readonly details?: readonly { readonly path: string; readonly message: string }[];
  readonly metadata: {
    readonly tool_name: string;
    readonly invocation_id: string;
    readonly duration_ms: number;
    readonly attempts: number;
  };
}

/** Parses a reply body. */
export function wire(res: { readonly body: string }): WireBody {
  return JSON.parse(res.body) as WireBody;
}
