/**
 * `npm run bench:sync [-- --sizes 50,200,1000]`: wall time and request counts of `apply` and of a
 * no-change `plan` for N tools against the embedded emulator at its default 300 requests per
 * minute per token, and the ratio to the rate-limit bound (issue 5 "Done when").
 *
 * The bound is the fastest any client could make the same number of API requests under a fixed
 * one-minute window of 300: floor((requests - 1) / 300) minutes. Below 300 requests it is zero
 * (everything fits in one window), and the ratio is not defined.
 */
import { parseArgs } from 'node:util';
import type { ToolDefinition } from '../src/definition/index.js';
import { createEmulator } from '../src/emulator/index.js';
import type { EmulatorCall } from '../src/emulator/index.js';
import { createGenesysClient } from '../src/genesys/index.js';
import { createDataActionsRegistry } from '../src/registry/index.js';
import { applyPlan, hasChanges, planSync } from '../src/sync/index.js';

const RATE_PER_MINUTE = 300;

function tool(name: string): ToolDefinition {
  return {
    name,
    description: `Checks inventory levels for ${name}`,
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { sku: { type: 'string', description: 'Product stock keeping unit' } },
      required: ['sku'],
    },
    outputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { inventory_level: { type: 'integer' } },
    },
    rateLimit: { requestsPerMinute: 60, burstSize: 10 },
    timeoutMs: 5000,
    retries: 1,
    concurrency: { maxConcurrent: 10, maxQueue: 10 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  };
}

interface Measure {
  readonly wallMs: number;
  readonly requests: number;
  readonly tokens: number;
  readonly throttled: number;
}

function count(calls: readonly EmulatorCall[], fromIndex: number, wallMs: number): Measure {
  const mine = calls.slice(fromIndex);
  return {
    wallMs,
    requests: mine.filter((c) => c.path.startsWith('/api/')).length,
    tokens: mine.filter((c) => c.path === '/oauth/token').length,
    throttled: mine.filter((c) => c.status === 429).length,
  };
}

function boundMs(requests: number): number {
  return Math.floor(Math.max(0, requests - 1) / RATE_PER_MINUTE) * 60_000;
}

function ratio(m: Measure): string {
  const bound = boundMs(m.requests);
  return bound === 0 ? 'n/a (one window)' : `${(m.wallMs / bound).toFixed(3)}x`;
}

async function runSize(size: number): Promise<void> {
  const emulator = await createEmulator({ rateLimitPerMinute: RATE_PER_MINUTE });
  const url = await emulator.listen({ host: '127.0.0.1', port: 0 });
  try {
    const tools = Array.from({ length: size }, (_, i) =>
      tool(`bench_${String(i).padStart(5, '0')}`),
    );
    const session = () => {
      // A new client per command, as a new CLI process would have: its own token and limiter.
      const client = createGenesysClient({
        apiUrl: url,
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        requestsPerMinute: RATE_PER_MINUTE,
      });
      return createDataActionsRegistry(
        { executionUrl: 'https://tools.example.com', bearerToken: 'bench-token' },
        client,
      );
    };
    const measure = async (run: () => Promise<void>): Promise<Measure> => {
      const from = emulator.calls.length;
      const start = performance.now();
      await run();
      return count(emulator.calls, from, performance.now() - start);
    };
    const plan = async (registry: ReturnType<typeof session>) => {
      const remote = await registry.list(tools.map((t) => t.name));
      return planSync(
        tools.map((t) => registry.desired(t)),
        remote,
        { target: registry.target, scope: registry.scope },
      );
    };
    const apply = await measure(async () => {
      const registry = session();
      await applyPlan(await plan(registry), registry, { concurrency: 8 });
    });
    let changed = true;
    const noop = await measure(async () => {
      changed = hasChanges(await plan(session()));
    });
    const line = (what: string, m: Measure): string =>
      `${String(size).padStart(5)}  ${what.padEnd(5)}  ${(m.wallMs / 1000).toFixed(2).padStart(8)} s  ${String(m.requests).padStart(6)} req  ${String(m.tokens).padStart(2)} token  ${String(m.throttled).padStart(3)} x429  bound ${(boundMs(m.requests) / 1000).toFixed(0).padStart(4)} s  ratio ${ratio(m)}`;
    console.log(line('apply', apply));
    console.log(
      `${line('plan', noop)}${changed ? '  (UNEXPECTED: plan shows changes)' : '  (no changes)'}`,
    );
  } finally {
    await emulator.close();
  }
}

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '50,200,1000' } } });
const sizes = values.sizes
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
console.log(
  `bench:sync: data-actions target against the emulator at ${RATE_PER_MINUTE} requests/min per token; sizes ${sizes.join(', ')}`,
);
console.log(' size  what         wall        API        token  429s   rate-limit bound');
for (const size of sizes) await runSize(size);
