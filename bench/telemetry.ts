/**
 * `npm run bench:telemetry`: the cost of telemetry and audit on the execution server. One run
 * measures req/s of `createToolServer` with one trivial tool, with audit (file, fsync'ed group
 * commit) and metrics/traces on, and with both off, alternating rounds, autocannon bounded in time.
 * Goal (issue 7): they cost less than 20% of throughput.
 *
 * BENCH_SECONDS (default 5) per round, BENCH_ROUNDS (default 2) per configuration,
 * BENCH_CONNECTIONS (default 32).
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineTool } from '../src/definition/index.js';
import { createToolServer } from '../src/server/index.js';
import type { AuditSink, InvocationObserver } from '../src/server/index.js';
import { createAuditLog, createTelemetry, verifyAuditFiles } from '../src/telemetry/index.js';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>;

function loadAutocannon(): Cannon {
  // autocannon ships no type declarations; narrow what we call.
  const loaded: unknown = createRequire(import.meta.url)('autocannon');
  if (typeof loaded !== 'function') throw new Error('autocannon did not load');
  return loaded as Cannon;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOKEN = 'bench-bearer-token-0123456789';

const echo = defineTool({
  name: 'echo',
  description: 'Returns its parameter',
  input: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
  rateLimit: { requestsPerMinute: 1_000_000, burstSize: 10_000 },
  concurrency: { maxConcurrent: 10_000, maxQueue: 10_000 },
  handler: (parameters) => ({ sku: parameters.sku }),
});

function load(port: number, duration: number): Promise<CannonResult> {
  return loadAutocannon()({
    url: `http://127.0.0.1:${port}/api/v1/tools/echo`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tool_name: 'echo', parameters: { sku: 'SKU-123' } }),
    connections,
    duration,
  });
}

interface Row {
  config: 'off' | 'on';
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  non2xx: number;
  errors: number;
}

async function measure(config: 'off' | 'on', dir: string, round: number): Promise<Row> {
  let audit: (AuditSink & { close(): Promise<void> }) | undefined;
  let telemetry: Awaited<ReturnType<typeof createTelemetry>> | undefined;
  let observer: InvocationObserver | undefined;
  if (config === 'on') {
    audit = await createAuditLog({ file: join(dir, `audit-${round}.jsonl`) });
    telemetry = await createTelemetry({ toolNames: ['echo'], metricsPort: 0 });
    observer = telemetry.observer;
  }
  const app = await createToolServer({
    tools: [echo],
    auth: { bearerTokens: [TOKEN] },
    ...(observer === undefined ? {} : { observer }),
    ...(audit === undefined ? {} : { audit }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  // Warm-up (JIT, connection pools), not counted.
  await load(port, 2);
  const cpuBefore = process.cpuUsage();
  const result = await load(port, seconds);
  const cpu = process.cpuUsage(cpuBefore);
  if (telemetry !== undefined) {
    // One scrape, so the measured configuration is the one Prometheus would see.
    await fetch(telemetry.metricsUrl ?? '').then((r) => r.text());
  }
  await app.close();
  await audit?.close();
  await telemetry?.shutdown();
  return {
    config,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    // CPU of this process (server and load generator) per request: steadier than req/s on a
    // shared machine, where other processes take the cores in bursts.
    cpuUsPerReq: Math.round((cpu.user + cpu.system) / Math.max(1, result.requests.total)),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/**
 * The audit writer alone as the server drives it: each client spends ~100 µs of CPU (a stand-in
 * for the request), then awaits its append, then starts over. Steadier than the HTTP rounds on a
 * shared machine, and it shows the cost of the latency each append waits (timer, fsync).
 */
async function auditClosedLoop(
  file: string,
  durability: 'fsync' | 'write',
): Promise<{ callsPerSec: number; cpuUsPerCall: number }> {
  const audit = await createAuditLog({ file, durability });
  const durationMs = 2000;
  const cpuBefore = process.cpuUsage();
  const stop = performance.now() + durationMs;
  let calls = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < stop) {
      const busyUntil = performance.now() + 0.1;
      while (performance.now() < busyUntil);
      await new Promise((resolve) => setImmediate(resolve));
      await audit.append({
        time: new Date().toISOString(),
        invocationId: `loop-${calls}`,
        tool: 'echo',
        parameters: { sku: 'SKU-123' },
        outcome: 'success',
        durationMs: 1,
      });
      calls++;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  const cpu = process.cpuUsage(cpuBefore);
  await audit.close();
  return {
    callsPerSec: Math.round(calls / (durationMs / 1000)),
    // All threads of the process (libuv's pool included), the ~100 µs stand-in per call included.
    cpuUsPerCall: Number(((cpu.user + cpu.system) / calls).toFixed(1)),
  };
}

/** In-process cost of the pieces, independent of the server: µs per observed call, audit records/s. */
async function micro(dir: string): Promise<Record<string, number>> {
  const telemetry = await createTelemetry({ toolNames: ['echo'], metricsPort: false });
  const calls = 50_000;
  let start = performance.now();
  for (let i = 0; i < calls; i++) {
    const span = telemetry.observer.start({ toolName: 'echo', invocationId: `i${i}`, headers: {} });
    span.end({ outcome: 'success', httpStatus: 200, durationMs: 3, attempts: 1 });
  }
  const observerUs = ((performance.now() - start) * 1000) / calls;
  await telemetry.shutdown();
  const audit = await createAuditLog({ file: join(dir, 'micro.jsonl') });
  const records = 20_000;
  const inFlight = 256;
  start = performance.now();
  for (let done = 0; done < records; done += inFlight) {
    await Promise.all(
      Array.from({ length: inFlight }, (_, k) =>
        audit.append({
          time: new Date().toISOString(),
          invocationId: `inv-${done + k}`,
          tool: 'echo',
          parameters: { sku: 'SKU-123', warehouse_id: 'W1' },
          outcome: 'success',
          durationMs: 1,
        }),
      ),
    );
  }
  const auditPerSec = records / ((performance.now() - start) / 1000);
  await audit.close();
  const fsync = await auditClosedLoop(join(dir, 'micro-loop.jsonl'), 'fsync');
  // Issue 18: the same loop with `--audit-durability write` (no fsync before the append resolves).
  const write = await auditClosedLoop(join(dir, 'micro-loop-write.jsonl'), 'write');
  return {
    'observer µs/call': Number(observerUs.toFixed(1)),
    'audit records/s (256 in flight, fsync)': Math.round(auditPerSec),
    [`audit calls/s (${connections} clients, closed loop, fsync)`]: fsync.callsPerSec,
    'CPU µs/call (fsync)': fsync.cpuUsPerCall,
    [`audit calls/s (${connections} clients, closed loop, write)`]: write.callsPerSec,
    'CPU µs/call (write)': write.cpuUsPerCall,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-telemetry-'));
try {
  console.table([await micro(dir)]);
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so drift of a shared machine hits both configurations alike.
    const order: ('off' | 'on')[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const config of order) rows.push(await measure(config, dir, round));
  }
  console.log(
    `\ntelemetry + audit cost: ${seconds}s x ${rounds} rounds, ${connections} connections\n`,
  );
  console.table(rows);
  const off = mean(rows.filter((r) => r.config === 'off').map((r) => r.reqPerSec));
  const on = mean(rows.filter((r) => r.config === 'on').map((r) => r.reqPerSec));
  const cost = off === 0 ? 0 : ((off - on) / off) * 100;
  const cpuOff = mean(rows.filter((r) => r.config === 'off').map((r) => r.cpuUsPerReq));
  const cpuOn = mean(rows.filter((r) => r.config === 'on').map((r) => r.cpuUsPerReq));
  const files = Array.from({ length: rounds }, (_, r) => join(dir, `audit-${r}.jsonl`));
  const records = files.reduce(
    (n, f) =>
      n +
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length,
    0,
  );
  const checks = await Promise.all(files.map((f) => verifyAuditFiles([f])));
  console.table([
    {
      'off req/s': Math.round(off),
      'on req/s': Math.round(on),
      'cost %': Number(cost.toFixed(1)),
      'CPU µs/req off': Math.round(cpuOff),
      'CPU µs/req on': Math.round(cpuOn),
      'CPU cost %': Number((((cpuOn - cpuOff) / Math.max(1, cpuOff)) * 100).toFixed(1)),
      'goal %': 20,
      'audit records': records,
      'chains verify': checks.every((c) => c.ok),
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
