/**
 * `npm run bench:server`: the execution server's full pipeline (bearer auth, envelope and parameter
 * validation, rate limit, bulkhead, breaker, timeout, retry, a no-op observer and an in-memory audit
 * sink) against a bare `node:http` server that parses the same body, with autocannon on loopback,
 * 50 connections, bounded in time. Each server runs in a child process of its own so the load
 * generator does not share its event loop; RSS is the server process's.
 * Real telemetry and the audit file are measured separately by `bench/telemetry.ts`.
 *
 * Goals (issue 6): full ≥ 50% of bare req/s, p99 ≤ 5 ms at 50 connections, RSS ≤ 150 MB.
 *
 *   npm run bench:server                      3 alternating rounds of 10 s per server
 *   BENCH_SECONDS=5 BENCH_ROUNDS=2 npm run bench:server
 *   npm run bench:server -- --long            + 1,000,000 calls on the full pipeline, RSS at
 *                                               start / middle / end (growth check);
 *                                               BENCH_LONG_CALLS sets another count
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createToolServer, noopObserver } from '../src/server/index.js';
import type { AuditEntry, AuditSink } from '../src/server/index.js';
import type { ToolDefinition } from '../src/definition/index.js';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface CannonInstance {
  on(event: 'tick', fn: (counter: { counter: number }) => void): void;
}
type Cannon = (opts: Record<string, unknown>) => CannonInstance & Promise<CannonResult>;

function cannon(): Cannon {
  // autocannon ships no type declarations; narrow what we call.
  const loaded: unknown = createRequire(import.meta.url)('autocannon');
  if (typeof loaded !== 'function') throw new Error('autocannon did not load');
  return loaded as Cannon;
}

const TOKEN = 'bench-bearer-token-0123456789';
const CONNECTIONS = 50;
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BODY = JSON.stringify({
  tool_name: 'check_inventory',
  parameters: { sku: 'SKU-12345', warehouse_id: 'WH-1' },
  conversation_id: 'c0ffee00-0000-4000-8000-000000000000',
});

const benchTool: ToolDefinition = {
  name: 'check_inventory',
  description: 'Checks inventory levels for a SKU',
  inputSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { sku: { type: 'string', minLength: 1 }, warehouse_id: { type: 'string' } },
    required: ['sku'],
    additionalProperties: false,
  },
  outputSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { sku: { type: 'string' }, inventory_level: { type: 'integer' } },
    required: ['sku', 'inventory_level'],
  },
  // A high limit: the benchmark measures the pipeline, not the token bucket refusing calls.
  rateLimit: { requestsPerMinute: 1_000_000_000, burstSize: 10_000 },
  timeoutMs: 5000,
  retries: 1,
  concurrency: { maxConcurrent: 100, maxQueue: 100 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  handler: (parameters) => ({ sku: parameters['sku'], inventory_level: 42 }),
};

/**
 * Keeps the last entries in memory, bounded, like a batching writer's buffer. A ring: trimming an
 * array with `splice` moved 1,000 entries on every call, a cost of the benchmark, not the server.
 */
function memoryAudit(): AuditSink {
  const recent: AuditEntry[] = [];
  let next = 0;
  return {
    append: (entry) => {
      recent[next] = entry;
      next = (next + 1) % 1000;
      return Promise.resolve();
    },
  };
}

async function startFull(): Promise<number> {
  const app = await createToolServer({
    tools: [benchTool],
    auth: { bearerTokens: [TOKEN] },
    observer: noopObserver,
    audit: memoryAudit(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

async function startBare(): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        tool_name: string;
        parameters: { sku: string };
      };
      const out = JSON.stringify({
        status: 'success',
        output: { sku: body.parameters.sku, inventory_level: 42 },
        metadata: { tool_name: body.tool_name, invocation_id: 'x', duration_ms: 0, attempts: 1 },
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(out),
      });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Child role: start one server, report its port, answer RSS requests. */
async function child(kind: string): Promise<void> {
  const port = kind === 'full' ? await startFull() : await startBare();
  process.on('message', (msg) => {
    if (msg === 'gc') {
      // Only with --expose-gc; otherwise RSS is read as is.
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({ rss, heap: heapUsed });
    }
    if (msg === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpu: user + system });
    }
    if (msg === 'exit') process.exit(0);
  });
  process.send?.({ port });
}

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  /** RSS and heap in use, after a GC. */
  memory(): Promise<{ readonly rss: number; readonly heap: number }>;
  /** CPU time (user + system) the server process has used, in microseconds. */
  cpu(): Promise<number>;
  stop(): void;
}

function spawnServer(kind: 'full' | 'bare'): Promise<Child> {
  const proc = fork(fileURLToPath(import.meta.url), ['--role=server', `--kind=${kind}`], {
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve) =>
      proc.once('message', (m) => {
        resolve(m as Record<string, number>);
      }),
    );
  return next().then((m) => ({
    proc,
    port: m['port'] ?? 0,
    memory: async () => {
      const answer = next();
      proc.send('gc');
      const m = await answer;
      return { rss: m['rss'] ?? 0, heap: m['heap'] ?? 0 };
    },
    cpu: async () => {
      const answer = next();
      proc.send('cpu');
      return (await answer)['cpu'] ?? 0;
    },
    stop: () => proc.send('exit'),
  }));
}

function load(port: number, opts: Record<string, unknown>): CannonInstance & Promise<CannonResult> {
  return cannon()({
    url: `http://127.0.0.1:${port}/api/v1/tools/check_inventory`,
    method: 'POST',
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: BODY,
    ...opts,
  });
}

interface Row {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly rssMb: number;
  /** Server CPU per answered request: steadier than req/s when the machine is shared. */
  readonly cpuUsPerReq: number;
  readonly non2xx: number;
  readonly errors: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Both servers run side by side; rounds alternate bare and full so that load from elsewhere on
 * the machine falls on both alike. Each figure is the median of the rounds.
 */
async function measureBoth(): Promise<{ readonly full: Row; readonly bare: Row }> {
  const servers = { bare: await spawnServer('bare'), full: await spawnServer('full') };
  const results: Record<'full' | 'bare', CannonResult[]> = { full: [], bare: [] };
  const cpuPerReq: Record<'full' | 'bare', number[]> = { full: [], bare: [] };
  try {
    for (const kind of ['bare', 'full'] as const) await load(servers[kind].port, { duration: 2 });
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['bare', 'full'] as const) {
        const cpuBefore = await servers[kind].cpu();
        const result = await load(servers[kind].port, { duration: seconds });
        const cpuUs = (await servers[kind].cpu()) - cpuBefore;
        results[kind].push(result);
        cpuPerReq[kind].push(cpuUs / Math.max(1, result.requests.total));
      }
    }
    const row = async (kind: 'full' | 'bare'): Promise<Row> => ({
      name: kind === 'full' ? 'full pipeline' : 'bare node:http',
      reqPerSec: median(results[kind].map((r) => r.requests.average)),
      p50: median(results[kind].map((r) => r.latency.p50)),
      p99: median(results[kind].map((r) => r.latency.p99)),
      rssMb: (await servers[kind].memory()).rss / 1024 / 1024,
      cpuUsPerReq: median(cpuPerReq[kind]),
      non2xx: results[kind].reduce((n, r) => n + r.non2xx, 0),
      errors: results[kind].reduce((n, r) => n + r.errors + r.timeouts, 0),
    });
    return { full: await row('full'), bare: await row('bare') };
  } finally {
    servers.bare.stop();
    servers.full.stop();
  }
}

async function longRun(): Promise<void> {
  const total = Number(process.env['BENCH_LONG_CALLS'] ?? 1_000_000);
  const server = await spawnServer('full');
  try {
    await load(server.port, { duration: 2 });
    const start = await server.memory();
    let done = 0;
    let middle: Promise<{ readonly rss: number; readonly heap: number }> | undefined;
    const run = load(server.port, { amount: total });
    run.on('tick', ({ counter }) => {
      done += counter;
      if (middle === undefined && done >= total / 2) middle = server.memory();
    });
    const result = await run;
    const end = await server.memory();
    const mid = await (middle ?? Promise.resolve({ rss: 0, heap: 0 }));
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `\n${total.toLocaleString('en')}-call run on the full pipeline (${result.requests.total} answered, ${result.non2xx} non-2xx, ${result.errors} errors)`,
    );
    console.log(
      `  RSS after GC:  start ${mb(start.rss)}, middle ${mb(mid.rss)}, end ${mb(end.rss)}; middle→end ${mb(end.rss - mid.rss)}`,
    );
    console.log(
      `  heap after GC: start ${mb(start.heap)}, middle ${mb(mid.heap)}, end ${mb(end.heap)}; middle→end ${mb(end.heap - mid.heap)}`,
    );
  } finally {
    server.stop();
  }
}

async function main(): Promise<void> {
  const role = process.argv.find((a) => a.startsWith('--role='));
  if (role === '--role=server') {
    const kind = process.argv.find((a) => a.startsWith('--kind='))?.slice(7) ?? 'full';
    await child(kind);
    return;
  }
  console.log(
    `execution server benchmark: ${CONNECTIONS} connections, ${rounds} alternating rounds of ${seconds} s per server, loopback`,
  );
  const { full, bare } = await measureBoth();
  const rows = [full, bare].map((r) => ({
    server: r.name,
    'req/s': Math.round(r.reqPerSec),
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'RSS MB': Number(r.rssMb.toFixed(1)),
    'CPU µs/req': Number(r.cpuUsPerReq.toFixed(1)),
    non2xx: r.non2xx,
    errors: r.errors,
  }));
  console.table(rows);
  const ratio = full.reqPerSec / bare.reqPerSec;
  console.log(`full / bare req/s: ${(ratio * 100).toFixed(1)}% (goal ≥ 50%)`);
  console.log(
    `full p99: ${full.p99} ms (goal ≤ 5 ms); full RSS: ${full.rssMb.toFixed(1)} MB (goal ≤ 150 MB)`,
  );
  if (process.argv.includes('--long')) await longRun();
}

await main();
