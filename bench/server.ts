/**
 * `npm run bench:server`: the execution server as users run it against a bare `node:http` server
 * that parses the same body, each in a plain `node` process of its own (no tsx), with autocannon on
 * loopback at 50 connections, bounded in time.
 *
 * - full: `node dist/cli/main.js serve` on a compiled `.tool.js`: bearer auth, envelope and
 *   parameter validation, rate limit, bulkhead, breaker, timeout, retry, output check, OTel metrics
 *   and spans, one pino log line per call (stderr to a file), and the audit log (hash chain,
 *   fsync'ed group commit), all on.
 * - bare: node:http, JSON.parse of the body, JSON.stringify of a reply of the same shape.
 *
 * Phases: saturation (closed loop, alternating rounds, medians), then a fixed offered rate on both
 * (open loop: latency where neither server queues; at saturation a closed loop's latency is only
 * connections / throughput, Little's law), then memory from /proc (RSS now and its peak, no forced
 * GC: what `ps` and the orchestrator see). The audit log is verified at the end and its records
 * counted against the calls answered.
 *
 * Goals (issue 6): full ≥ 50% of bare req/s, p99 ≤ 5 ms at 50 connections, RSS ≤ 150 MB, and no
 * growth of RSS across a 1,000,000-call run.
 *
 *   npm run bench:server                      3 alternating rounds of 10 s per server
 *   BENCH_SECONDS=5 BENCH_ROUNDS=2 npm run bench:server
 *   BENCH_RATE=4000                           the fixed rate (default: half the full server's
 *                                               saturated req/s)
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

type Kind = 'full' | 'bare';

interface Server {
  readonly kind: Kind;
  readonly proc: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts a server process; resolves once it prints the URL it serves at. */
function startServer(kind: Kind, dir: string): Promise<Server> {
  const log = openSync(join(dir, `${kind}.log`), 'w');
  const args =
    kind === 'full'
      ? [
          CLI,
          'serve',
          '--tools',
          join(dir, 'tools'),
          '--port',
          '0',
          '--metrics-port',
          '0',
          '--audit-file',
          join(dir, 'audit.jsonl'),
        ]
      : ['--input-type=module', '-e', BARE_SERVER];
  const proc = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, GENESYS_TOOLS_BEARER_TOKEN: TOKEN, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const port = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port === undefined) return;
      proc.stdout?.off('data', onData);
      proc.stdout?.resume();
      resolve({
        kind,
        proc,
        port: Number(port),
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

/** CPU time (user + system) the process has used, in microseconds. */
function cpuUs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
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
  readonly answered: number;
  readonly failed: number;
}

/** Rounds alternate bare and full so that load from elsewhere on the machine falls on both alike. */
async function saturate(servers: Record<Kind, Server>): Promise<Record<Kind, Saturation>> {
  const results: Record<Kind, CannonResult[]> = { full: [], bare: [] };
  const cpu: Record<Kind, number[]> = { full: [], bare: [] };
  for (const kind of ['bare', 'full'] as const)
    results[kind].push(await load(servers[kind].port, { duration: 2 }));
  for (let round = 0; round < rounds; round++) {
    for (const kind of ['bare', 'full'] as const) {
      const before = cpuUs(servers[kind].proc.pid);
      const result = await load(servers[kind].port, { duration: seconds });
      cpu[kind].push((cpuUs(servers[kind].proc.pid) - before) / Math.max(1, result.requests.total));
      results[kind].push(result);
    }
  }
  const summary = (kind: Kind): Saturation => {
    const measured = results[kind].slice(1);
    return {
      reqPerSec: median(measured.map((r) => r.requests.average)),
      p50: median(measured.map((r) => r.latency.p50)),
      p99: median(measured.map((r) => r.latency.p99)),
      cpuUsPerReq: median(cpu[kind]),
      answered: results[kind].reduce((n, r) => n + r['2xx'], 0),
      failed: results[kind].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    };
  };
  return { full: summary('full'), bare: summary('bare') };
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'tools', 'check_inventory.tool.js'), TOOL_MODULE);
  const started: Server[] = [];
  try {
    const bare = await startServer('bare', dir);
    started.push(bare);
    const full = await startServer('full', dir);
    started.push(full);
    const servers = { bare, full };
    console.log(
      `execution server benchmark: ${String(CONNECTIONS)} connections, ${String(rounds)} alternating rounds of ${String(seconds)} s per server, loopback; full = \`genesys-tools serve\` with telemetry, logs and audit on`,
    );
    const sat = await saturate(servers);
    const rate = Number(
      process.env['BENCH_RATE'] ?? Math.max(100, Math.round(sat.full.reqPerSec / 2 / 100) * 100),
    );
    const fixed: Record<Kind, CannonResult> = {
      bare: await load(servers.bare.port, { duration: seconds, overallRate: rate }),
      full: await load(servers.full.port, { duration: seconds, overallRate: rate }),
    };
    let answered = sat.full.answered + fixed.full['2xx'];
    const rows = (['full', 'bare'] as const).map((kind) => ({
      server: kind === 'full' ? 'full (serve)' : 'bare node:http',
      'req/s': Math.round(sat[kind].reqPerSec),
      'p50 ms': sat[kind].p50,
      'p99 ms': sat[kind].p99,
      [`p50 ms @${String(rate)}/s`]: fixed[kind].latency.p50,
      [`p99 ms @${String(rate)}/s`]: fixed[kind].latency.p99,
      'CPU µs/req': Number(sat[kind].cpuUsPerReq.toFixed(1)),
      'RSS MB': Number(procMb(servers[kind].proc.pid, 'VmRSS').toFixed(1)),
      'peak RSS MB': Number(procMb(servers[kind].proc.pid, 'VmHWM').toFixed(1)),
      'not 2xx': sat[kind].failed + fixed[kind].non2xx + fixed[kind].errors,
    }));
    console.table(rows);
    const fullRow = rows[0];
    console.log(
      `full / bare req/s: ${((sat.full.reqPerSec / sat.bare.reqPerSec) * 100).toFixed(1)}% (goal ≥ 50%)`,
    );
    console.log(
      `full p99: ${String(sat.full.p99)} ms saturated, ${String(fixed.full.latency.p99)} ms at ${String(rate)} req/s (goal ≤ 5 ms); full peak RSS: ${String(fullRow?.['peak RSS MB'])} MB (goal ≤ 150 MB)`,
    );
    if (process.argv.includes('--long')) answered += await longRun(servers.full);
    await servers.full.stop();
    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', join(dir, 'audit.jsonl')], {
      encoding: 'utf8',
    });
    const records = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    console.log(
      `audit log: ${String(records)} records for ${String(answered)} calls answered 2xx (warm-ups included); audit verify: ${verify.status === 0 ? 'ok' : `FAILED ${verify.stdout}${verify.stderr}`}`,
    );
  } finally {
    for (const s of started) if (s.proc.exitCode === null) await s.stop();
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
    `  RSS MB by calls done: ${samples.join(', ')}; peak ${procMb(server.proc.pid, 'VmHWM').toFixed(1)} MB`,
  );
  return result['2xx'];
}

await main();
