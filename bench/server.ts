/**
 * `npm run bench:server`: the execution server as users run it, against a bare `node:http` server
 * that parses the same body, each in a plain `node` process of its own (no tsx), with autocannon on
 * loopback at 50 connections, bounded in time.
 *
 * - full: `node dist/cli/main.js serve` on a compiled `.tool.js`: bearer auth, envelope and
 *   parameter validation, rate limit, bulkhead, breaker, timeout, retry, output check, OTel metrics
 *   and spans, one pino log line per call (stderr to a file), and the audit log (hash chain,
 *   fsync'ed group commit), all on.
 * - full, write durability: the same with `--audit-durability write` (issue 18): each record is
 *   written to the OS before the reply and fsync'ed in the background at most every second.
 * - Fastify alone: the same route answering the same reply; the ceiling of any Fastify server.
 * - bare: node:http, JSON.parse of the body, JSON.stringify of a reply of the same shape.
 * - `--ladder` adds the layers between: the pipeline without telemetry, logs or audit; with
 *   telemetry; with telemetry and logs. Their CPU per request shows what each layer costs.
 *
 * Closed loop: each connection sends its next call when the last is answered, so at saturation the
 * mean latency is connections / throughput (Little's law): 5 ms at 50 connections needs 10,000
 * calls/s. Memory is read from /proc (RSS now and its peak, no forced GC: what `ps` and the
 * orchestrator see). CPU per request comes from /proc too, all threads of the server process. The
 * audit log is verified at the end and its records counted against the calls answered.
 *
 * Goals (issue 6): full ≥ 50% of bare req/s, p99 ≤ 5 ms at 50 connections, RSS ≤ 150 MB, and no
 * growth of RSS across a 1,000,000-call run.
 *
 *   npm run bench:server                      3 rounds of 10 s per server, in turn
 *   BENCH_SECONDS=5 BENCH_ROUNDS=2 npm run bench:server
 *   npm run bench:server -- --ladder          + the layers between bare and full
 *   npm run bench:server -- --long            + 1,000,000 calls on the full server, RSS every
 *                                               100,000 calls; BENCH_LONG_CALLS sets another count
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  '2xx': number;
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

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TOKEN = 'bench-bearer-token-0123456789';
const CONNECTIONS = 50;
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BODY = JSON.stringify({
  tool_name: 'check_inventory',
  parameters: { sku: 'SKU-12345', warehouse_id: 'WH-1' },
  conversation_id: 'c0ffee00-0000-4000-8000-000000000000',
});

/** The tool as a user ships it for production: compiled JavaScript importing the package. */
const TOOL_MODULE = `import { defineTool } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)};
export default defineTool({
  name: 'check_inventory',
  description: 'Checks inventory levels for a SKU',
  input: {
    type: 'object',
    properties: { sku: { type: 'string', minLength: 1 }, warehouse_id: { type: 'string' } },
    required: ['sku'],
    additionalProperties: false,
  },
  output: {
    type: 'object',
    properties: { sku: { type: 'string' }, inventory_level: { type: 'integer' } },
    required: ['sku', 'inventory_level'],
  },
  // The highest limit allowed (16,667/s): the benchmark measures the pipeline, not the bucket refusing.
  rateLimit: { requestsPerMinute: 1000000, burstSize: 10000 },
  timeoutMs: 5000,
  retries: 1,
  concurrency: { maxConcurrent: 100, maxQueue: 100 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30000 },
  handler: ({ sku }) => ({ sku, inventory_level: 42 }),
});
`;

const BARE_SERVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const out = JSON.stringify({
      status: 'success',
      output: { sku: body.parameters.sku, inventory_level: 42 },
      metadata: { tool_name: body.tool_name, invocation_id: 'x', duration_ms: 0, attempts: 1 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.listen(0, '127.0.0.1', () => console.log('serving at http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const dist = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);
/** A package of ours as a file URL: the servers run in a temporary directory. */
const pkg = (name: string): string =>
  JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve(name)).href);

/**
 * The layers between bare and full, each its own process: Fastify alone on the same route; the
 * server's pipeline (auth, envelope and parameter checks, policies, output check; no telemetry,
 * logs or audit); then telemetry added; then the log line of each call (pino's asynchronous
 * destination, to a file). `full` adds the audit log and is the CLI itself.
 */
const LAYER_SERVER = `
import { join } from 'node:path';
const layer = process.env.BENCH_LAYER;
const reply = (body) => ({
  status: 'success',
  output: { sku: body.parameters.sku, inventory_level: 42 },
  metadata: { tool_name: body.tool_name, invocation_id: 'x', duration_ms: 0, attempts: 1 },
});
let app;
if (layer === 'fastify') {
  const { default: Fastify } = await import(${pkg('fastify')});
  app = Fastify();
  app.post('/api/v1/tools/:name', async (request) => reply(request.body));
} else {
  const { createToolServer } = await import(${dist('server/index.js')});
  const { createLogger, createTelemetry } = await import(${dist('telemetry/index.js')});
  const { loadTools } = await import(${dist('definition/index.js')});
  const { pino } = await import(${pkg('pino')});
  const { tools } = await loadTools(['tools'], { cwd: process.cwd() });
  const logger = layer === 'logs'
    ? createLogger({ level: 'info', destination: pino.destination({ dest: join(process.cwd(), 'layer-logs.log'), sync: false }), secrets: [process.env.GENESYS_TOOLS_BEARER_TOKEN] })
    : undefined;
  const telemetry = layer === 'telemetry' || layer === 'logs'
    ? await createTelemetry({ toolNames: tools.map((t) => t.name), metricsPort: 0 }, logger === undefined ? {} : { logger })
    : undefined;
  app = await createToolServer(
    { tools, auth: { bearerTokens: [process.env.GENESYS_TOOLS_BEARER_TOKEN] }, ...(telemetry === undefined ? {} : { observer: telemetry.observer }) },
    logger === undefined ? {} : { logger },
  );
}
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log('serving at ' + address);
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
`;

/** Each server of the benchmark, in the order of its table. */
const KINDS = ['full', 'write', 'logs', 'telemetry', 'pipeline', 'fastify', 'bare'] as const;
type Kind = (typeof KINDS)[number];

const LABELS: Record<Kind, string> = {
  full: 'full (serve)',
  write: 'full, --audit-durability write',
  logs: 'pipeline+telemetry+logs',
  telemetry: 'pipeline+telemetry',
  pipeline: 'pipeline',
  fastify: 'Fastify alone',
  bare: 'bare node:http',
};

interface Server {
  readonly kind: Kind;
  readonly proc: ChildProcess;
  readonly port: number;
  /** Full (mark-compact) GCs so far, from `--trace-gc` on the server's stdout. */
  majorGcs(): number;
  stop(): Promise<void>;
}

/** Starts a server process; resolves once it prints the URL it serves at. */
function startServer(kind: Kind, dir: string): Promise<Server> {
  const log = openSync(join(dir, `${kind}.log`), 'w');
  const serve = [CLI, 'serve', '--tools', join(dir, 'tools'), '--port', '0', '--metrics-port', '0'];
  // Both serve processes write their own chain in audit/, which `audit verify DIR` checks.
  const auditFile = ['--audit-file', join(dir, 'audit', `audit.${kind}.jsonl`)];
  const args =
    kind === 'full'
      ? [...serve, ...auditFile]
      : kind === 'write'
        ? [...serve, ...auditFile, '--audit-durability', 'write']
        : ['--input-type=module', '-e', kind === 'bare' ? BARE_SERVER : LAYER_SERVER];
  // --trace-gc: a line per GC on stdout. Full GCs under a steady load mean that per-call objects
  // reach the old generation: each such change cost tens of MB of RSS (see the notes in src/server).
  const proc = spawn(process.execPath, ['--trace-gc', ...args], {
    cwd: dir,
    env: {
      ...process.env,
      GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      BENCH_LAYER: kind,
    },
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    let majorGcs = 0;
    // Counted line by line, the output itself is not kept: a long run prints a million lines.
    let partial = '';
    const countGcs = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.includes('Mark-Compact')) majorGcs++;
    };
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const port = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port === undefined) return;
      proc.stdout?.off('data', onData);
      proc.stdout?.on('data', countGcs);
      resolve({
        kind,
        proc,
        port: Number(port),
        majorGcs: () => majorGcs,
        stop: () =>
          new Promise<void>((done) => {
            proc.once('exit', () => {
              done();
            });
            proc.kill('SIGTERM');
          }),
      });
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => {
      reject(
        new Error(
          `${kind} server exited (${String(code)}): ${out}${readFileSync(join(dir, `${kind}.log`), 'utf8')}`,
        ),
      );
    });
  });
}

/** A field of /proc/PID/status in MB (VmRSS: resident now, VmHWM: the peak). */
function procMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return Number(kb ?? 0) / 1024;
}

/**
 * CPU time (user + system) used, in microseconds: by the whole process, or by its main thread only
 * (the thread that runs JavaScript, and so the one that limits a Node server's throughput).
 */
function cpuUs(pid: number | undefined, thread: 'all' | 'main' = 'all'): number {
  const path =
    thread === 'all'
      ? `/proc/${String(pid)}/stat`
      : `/proc/${String(pid)}/task/${String(pid)}/stat`;
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS;
}

const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function load(port: number, opts: Record<string, unknown>): CannonInstance & Promise<CannonResult> {
  return cannon()({
    url: `http://127.0.0.1:${String(port)}/api/v1/tools/check_inventory`,
    method: 'POST',
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: BODY,
    ...opts,
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

interface Saturation {
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUsPerReq: number;
  readonly mainCpuUsPerReq: number;
  /** Full GCs per 1,000,000 calls during the measured rounds. */
  readonly majorGcsPerMillion: number;
  readonly answered: number;
  readonly failed: number;
}

/**
 * Rounds go through every server in turn, so that load from elsewhere on the machine falls on all
 * alike; each figure is the median of the rounds. The first, short round of each is a warm-up.
 */
async function saturate(servers: readonly Server[]): Promise<Map<Kind, Saturation>> {
  const results = new Map<Kind, CannonResult[]>(servers.map((s) => [s.kind, []]));
  const cpu = new Map<Kind, number[]>(servers.map((s) => [s.kind, []]));
  const mainCpu = new Map<Kind, number[]>(servers.map((s) => [s.kind, []]));
  for (const server of servers)
    results.get(server.kind)?.push(await load(server.port, { duration: 2 }));
  const gcsBefore = new Map<Kind, number>(servers.map((s) => [s.kind, s.majorGcs()]));
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      const before = { all: cpuUs(server.proc.pid), main: cpuUs(server.proc.pid, 'main') };
      const result = await load(server.port, { duration: seconds });
      const calls = Math.max(1, result.requests.total);
      cpu.get(server.kind)?.push((cpuUs(server.proc.pid) - before.all) / calls);
      mainCpu.get(server.kind)?.push((cpuUs(server.proc.pid, 'main') - before.main) / calls);
      results.get(server.kind)?.push(result);
    }
  }
  const summary = new Map<Kind, Saturation>();
  const gcsAfter = new Map<Kind, number>(servers.map((s) => [s.kind, s.majorGcs()]));
  for (const [kind, all] of results) {
    const measured = all.slice(1);
    summary.set(kind, {
      reqPerSec: median(measured.map((r) => r.requests.average)),
      p50: median(measured.map((r) => r.latency.p50)),
      p99: median(measured.map((r) => r.latency.p99)),
      cpuUsPerReq: median(cpu.get(kind) ?? []),
      mainCpuUsPerReq: median(mainCpu.get(kind) ?? []),
      majorGcsPerMillion:
        (((gcsAfter.get(kind) ?? 0) - (gcsBefore.get(kind) ?? 0)) * 1e6) /
        Math.max(
          1,
          measured.reduce((n, r) => n + r.requests.total, 0),
        ),
      answered: all.reduce((n, r) => n + r['2xx'], 0),
      failed: all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    });
  }
  return summary;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
  const ladder = process.argv.includes('--ladder');
  const kinds = KINDS.filter(
    (k) => ladder || k === 'full' || k === 'write' || k === 'fastify' || k === 'bare',
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'tools', 'check_inventory.tool.js'), TOOL_MODULE);
  const servers: Server[] = [];
  try {
    for (const kind of kinds) servers.push(await startServer(kind, dir));
    console.log(
      `execution server benchmark: ${String(CONNECTIONS)} connections, ${String(rounds)} rounds of ${String(seconds)} s per server in turn, loopback, autocannon; full = \`genesys-tools serve\` with telemetry, logs and audit on`,
    );
    const sat = await saturate(servers);
    const bare = sat.get('bare');
    const rows = servers.map((server) => {
      const r = sat.get(server.kind);
      return {
        server: LABELS[server.kind],
        'req/s': Math.round(r?.reqPerSec ?? 0),
        '% of bare': Number((((r?.reqPerSec ?? 0) / (bare?.reqPerSec ?? 1)) * 100).toFixed(1)),
        'p50 ms': r?.p50,
        'p99 ms': r?.p99,
        'CPU µs/req': Number((r?.cpuUsPerReq ?? 0).toFixed(1)),
        'main thread µs/req': Number((r?.mainCpuUsPerReq ?? 0).toFixed(1)),
        'full GCs per 1M calls': Math.round(r?.majorGcsPerMillion ?? 0),
        'RSS MB': Number(procMb(server.proc.pid, 'VmRSS').toFixed(1)),
        'peak RSS MB': Number(procMb(server.proc.pid, 'VmHWM').toFixed(1)),
        'not 2xx': r?.failed,
      };
    });
    console.table(rows);
    const full = sat.get('full');
    const fullRow = rows[0];
    console.log(
      `full / bare req/s: ${(((full?.reqPerSec ?? 0) / (bare?.reqPerSec ?? 1)) * 100).toFixed(1)}% (goal ≥ 50%)`,
    );
    console.log(
      `full p99: ${String(full?.p99)} ms at ${String(CONNECTIONS)} connections (goal ≤ 5 ms); full peak RSS: ${String(fullRow?.['peak RSS MB'])} MB (goal ≤ 150 MB)`,
    );
    const write = sat.get('write');
    console.log(
      `write durability / fsync: ${(((write?.reqPerSec ?? 0) / (full?.reqPerSec ?? 1)) * 100).toFixed(1)}% req/s; write / bare: ${(((write?.reqPerSec ?? 0) / (bare?.reqPerSec ?? 1)) * 100).toFixed(1)}% (issue 18 goal ≥ 50%)`,
    );
    const fullServer = servers[0];
    if (fullServer === undefined) return;
    let answered = (full?.answered ?? 0) + (write?.answered ?? 0);
    if (process.argv.includes('--long')) answered += await longRun(fullServer);
    for (const server of servers)
      if (server.kind === 'full' || server.kind === 'write') await server.stop();
    // The logs rotate at 64 MB: verify and count the rotated files too (one chain per server).
    const auditDir = join(dir, 'audit');
    const auditFiles = readdirSync(auditDir)
      .filter((f) => /\.jsonl(\.[0-9]+)?$/.test(f))
      .map((f) => join(auditDir, f));
    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', auditDir], {
      encoding: 'utf8',
    });
    const records = auditFiles.reduce(
      (n, f) =>
        n +
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => l !== '').length,
      0,
    );
    console.log(
      `audit log: ${String(records)} records in ${String(auditFiles.length)} file(s) for ${String(answered)} calls answered 2xx (autocannon does not count the calls in flight when a run ends); audit verify: ${verify.status === 0 ? 'ok' : `FAILED ${verify.stdout}${verify.stderr}`}`,
    );
  } finally {
    for (const server of servers) if (server.proc.exitCode === null) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1,000,000 calls on the full server, RSS every 10% of them. Returns the calls answered 2xx. */
async function longRun(server: Server): Promise<number> {
  const total = Number(process.env['BENCH_LONG_CALLS'] ?? 1_000_000);
  const samples: string[] = [];
  let done = 0;
  let next = 0;
  const sample = (): void => {
    samples.push(`${(done / 1000).toFixed(0)}k ${procMb(server.proc.pid, 'VmRSS').toFixed(0)}`);
    next += total / 10;
  };
  sample();
  const gcsBefore = server.majorGcs();
  const run = load(server.port, { amount: total });
  run.on('tick', ({ counter }) => {
    done += counter;
    if (done >= next) sample();
  });
  const result = await run;
  sample();
  console.log(
    `\n${total.toLocaleString('en')}-call run on the full server (${String(result['2xx'])} answered 2xx, ${String(result.non2xx + result.errors)} not), ${Math.round(result.requests.average)} req/s`,
  );
  console.log(
    `  RSS MB by calls done: ${samples.join(', ')}; peak ${procMb(server.proc.pid, 'VmHWM').toFixed(1)} MB; ${String(server.majorGcs() - gcsBefore)} full GCs`,
  );
  return result['2xx'];
}

await main();
