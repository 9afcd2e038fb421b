/**
 * `npm run bench:redis`: what sharing the rate limit in Redis costs (issue 16 §1).
 *
 * 1. Admission alone, in this process: the in-process token bucket against the Redis-backed
 *    limiter (rate-limiter-flexible's RateLimiterRedis through ioredis), one call at a time (the
 *    latency a call pays) and 50 at a time (what each call costs when calls overlap).
 * 2. End to end: `node dist/cli/main.js serve` with and without GENESYS_TOOLS_REDIS_URL, autocannon
 *    on loopback at 50 connections, alternating rounds; calls/s, p99 and the server's CPU per call.
 *
 * Starts its own `redis-server` on a free port (or uses REDIS_URL). The figures are loopback
 * figures: a Redis across a network adds its round trip to every call.
 *
 *   npm run bench:redis                         2 rounds of 5 s per server
 *   BENCH_SECONDS=10 BENCH_ROUNDS=3 npm run bench:redis
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '../src/deps.js';
import { createRedisSharedState } from '../src/server/index.js';
import { createTokenBucket } from '../src/server/token-bucket.js';

interface CannonResult {
  requests: { average: number };
  latency: { p99: number };
  '2xx': number;
  non2xx: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TOKEN = 'bench-bearer-token-0123456789';
const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
// The highest limit allowed: the benchmark measures what admission costs, not refusals.
const POLICY = { requestsPerMinute: 1_000_000, burstSize: 10_000 } as const;
const BODY = JSON.stringify({ tool_name: 'bench_tool', parameters: { sku: 'SKU-1' } });
const TOOL_MODULE = `import { defineTool } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)};
export default defineTool({
  name: 'bench_tool',
  description: 'Answers at once',
  input: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
  rateLimit: { requestsPerMinute: ${String(POLICY.requestsPerMinute)}, burstSize: ${String(POLICY.burstSize)} },
  concurrency: { maxConcurrent: 100, maxQueue: 100 },
  handler: (p) => ({ sku: p.sku, inventory_level: 42 }),
});
`;

function cannon(): Cannon {
  const loaded: unknown = createRequire(import.meta.url)('autocannon');
  if (typeof loaded !== 'function') throw new Error('autocannon did not load');
  return loaded as Cannon;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A redis-server of the bench's own, or REDIS_URL. */
async function redis(): Promise<{ url: string; stop: () => void }> {
  const given = process.env['REDIS_URL'];
  if (given !== undefined && given !== '') return { url: given, stop: () => undefined };
  const port = await freePort();
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`redis-server exited ${String(code)}`));
    });
  });
  return { url: `redis://127.0.0.1:${String(port)}`, stop: () => child.kill('SIGKILL') };
}

/** µs per admission: `count` calls, `parallel` in flight at a time. */
async function perCallUs(admit: () => unknown, count: number, parallel: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += parallel) {
    const batch: unknown[] = [];
    for (let j = 0; j < parallel && i + j < count; j += 1) batch.push(admit());
    await Promise.all(batch);
  }
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

async function admissionCosts(url: string): Promise<void> {
  const bucket = createTokenBucket(POLICY, systemClock);
  const state = await createRedisSharedState({ url, keyPrefix: `bench-${String(process.pid)}` });
  const limiter = state.limiter('bench_tool', POLICY);
  // Warm up both (JIT, the script cache of Redis).
  await perCallUs(() => bucket.take(), 100_000, 1);
  await perCallUs(() => limiter.consume(), 2_000, 50);
  // The bucket answers at once: timed in a plain loop, without the promise machinery.
  const localStart = process.hrtime.bigint();
  for (let i = 0; i < 1_000_000; i += 1) bucket.take();
  const local = Number(process.hrtime.bigint() - localStart) / 1000 / 1_000_000;
  const redisSerial = await perCallUs(() => limiter.consume(), 5_000, 1);
  const redisParallel = await perCallUs(() => limiter.consume(), 50_000, 50);
  await state.close();
  console.log('admission alone (this process):');
  console.log(`  in-process token bucket           ${local.toFixed(3)} µs/call`);
  console.log(`  Redis limiter, 1 call at a time   ${redisSerial.toFixed(1)} µs/call (latency)`);
  console.log(
    `  Redis limiter, 50 in flight       ${redisParallel.toFixed(1)} µs/call (throughput)`,
  );
}

function cpuUs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (ticks * 1e6) / hz;
}

async function startServe(
  dir: string,
  redisUrl: string | undefined,
): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--tools',
      join(dir, 'tools'),
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--audit-file',
      join(dir, `audit-${redisUrl === undefined ? 'local' : 'redis'}.jsonl`),
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
        LOG_LEVEL: 'warn',
        ...(redisUrl === undefined ? {} : { GENESYS_TOOLS_REDIS_URL: redisUrl }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (found !== undefined) resolve(Number(found));
    });
    proc.once('exit', (code) => {
      reject(new Error(`serve exited ${String(code)}: ${out}`));
    });
  });
  return { proc, port };
}

async function endToEnd(url: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'tools', 'bench_tool.tool.js'), TOOL_MODULE);
  const results: Record<
    'local' | 'redis',
    { rps: number[]; p99: number[]; cpu: number[]; non2xx: number }
  > = {
    local: { rps: [], p99: [], cpu: [], non2xx: 0 },
    redis: { rps: [], p99: [], cpu: [], non2xx: 0 },
  };
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const kind of ['local', 'redis'] as const) {
        const server = await startServe(dir, kind === 'redis' ? url : undefined);
        const run = (duration: number) =>
          cannon()({
            url: `http://127.0.0.1:${String(server.port)}/api/v1/tools/bench_tool`,
            method: 'POST',
            connections: 50,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: BODY,
            duration,
          });
        await run(1); // warm-up
        const cpuBefore = cpuUs(server.proc.pid);
        const result = await run(seconds);
        const cpu = cpuUs(server.proc.pid) - cpuBefore;
        const calls = result['2xx'] + result.non2xx;
        results[kind].rps.push(result.requests.average);
        results[kind].p99.push(result.latency.p99);
        results[kind].cpu.push(cpu / Math.max(1, calls));
        results[kind].non2xx += result.non2xx;
        await new Promise<void>((resolve) => {
          server.proc.once('exit', () => {
            resolve();
          });
          server.proc.kill('SIGTERM');
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(
    `end to end (serve, 50 connections, ${String(rounds)} rounds of ${String(seconds)} s each, alternating):`,
  );
  for (const kind of ['local', 'redis'] as const) {
    const r = results[kind];
    console.log(
      `  ${kind === 'local' ? 'in process' : 'Redis     '}  ${mean(r.rps).toFixed(0)} calls/s (rounds ${r.rps.map((x) => x.toFixed(0)).join(', ')}), p99 ${mean(r.p99).toFixed(1)} ms, server CPU ${mean(r.cpu).toFixed(0)} µs/call, non-2xx ${String(r.non2xx)}`,
    );
  }
  const drop = 1 - mean(results.redis.rps) / mean(results.local.rps);
  console.log(
    `  Redis: ${(drop * 100).toFixed(1)}% fewer calls/s, ${(mean(results.redis.cpu) - mean(results.local.cpu)).toFixed(0)} µs more server CPU per call`,
  );
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
  const server = await redis();
  try {
    await admissionCosts(server.url);
    await endToEnd(server.url);
  } finally {
    server.stop();
  }
}

await main();
