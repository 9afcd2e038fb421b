/** Test tools built by hand as canonical ToolDefinitions (what defineTool/loadTools produce). */
import type { ToolDefinition } from '../../src/definition/index.js';

/** A canonical tool with a string input `sku` and an optional `warehouse_id`. */
export function makeTool(name: string, overrides: Partial<ToolDefinition> = {}): ToolDefinition {
  return {
    name,
    description: `Checks inventory for ${name}`,
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        sku: { type: 'string', description: 'Product stock keeping unit' },
        warehouse_id: { type: 'string' },
      },
      required: ['sku'],
      additionalProperties: false,
    },
    outputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { sku: { type: 'string' }, inventory_level: { type: 'integer' } },
    },
    rateLimit: { requestsPerMinute: 60, burstSize: 10 },
    timeoutMs: 5000,
    retries: 1,
    concurrency: { maxConcurrent: 10, maxQueue: 10 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    ...overrides,
  };
}

/** Many tools named tool_0001, tool_0002, ... */
export function makeTools(count: number): ToolDefinition[] {
  return Array.from({ length: count }, (_, i) =>
    makeTool(`tool_${String(i + 1).padStart(4, '0')}`),
  );
}
