/**
 * `npm run bench:mcp`: calls/s of the same tool over MCP (`POST /mcp`, a JSON-RPC `tools/call`,
 * stateless Streamable HTTP) next to plain calls (`POST /api/v1/tools/check_inventory`), on ONE
 * `genesys-tools serve --mcp` process with telemetry, logs and the audit log on, autocannon on
 * loopback at 50 connections, closed loop. Rounds alternate between the two so that load from
 * elsewhere on the machine falls on both alike; figures are the medians of the rounds.
 *
 *   npm run bench:mcp                          3 rounds of 10 s per protocol
 *   BENCH_SECONDS=5 BENCH_ROUNDS=2 npm run bench:mcp
 */
import { spawn, spawnSync } from 'node:child_process';
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
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

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
const PARAMETERS = { sku: 'SKU-12345', warehouse_id: 'WH-1' };

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
  rateLimit: { requestsPerMinute: 1000000, burstSize: 10000 },
  timeoutMs: 5000,
  retries: 1,
  concurrency: { maxConcurrent: 100, maxQueue: 100 },
  handler: ({ sku }) => ({ sku, inventory_level: 42 }),
});
`;

const PROTOCOLS = {
  plain: {
    path: '/api/v1/tools/check_inventory',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tool_name: 'check_inventory', parameters: PARAMETERS }),
  },
  mcp: {
    path: '/mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'check_inventory', arguments: PARAMETERS },
    }),
  },
} as const;
type Protocol = keyof typeof PROTOCOLS;

function load(port: number, protocol: Protocol, duration: number): Promise<CannonResult> {
  const p = PROTOCOLS[protocol];
  return cannon()({
    url: `http://127.0.0.1:${String(port)}${p.path}`,
    method: 'POST',
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${TOKEN}`, ...p.headers },
    body: p.body,
    duration,
  });
}

/** CPU time (user + system) of the whole process so far, in microseconds. */
function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}
const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Checks that one call of each kind answers what the bench expects (a 2xx alone proves little). */
async function checkAnswers(port: number): Promise<void> {
  for (const protocol of ['plain', 'mcp'] as const) {
    const p = PROTOCOLS[protocol];
    const res = await fetch(`http://127.0.0.1:${String(port)}${p.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, ...p.headers },
      body: p.body,
    });
    const text = await res.text();
    const ok =
      protocol === 'plain'
        ? text.includes('"inventory_level":42')
        : text.includes('"structuredContent":{"sku":"SKU-12345","inventory_level":42}');
    if (!ok) throw new Error(`${protocol} call answered ${String(res.status)}: ${text}`);
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-mcp-'));
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'tools', 'check_inventory.tool.js'), TOOL_MODULE);
  const log = openSync(join(dir, 'serve.log'), 'w');
  const audit = join(dir, 'audit.jsonl');
  const proc = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--mcp',
      '--tools',
      join(dir, 'tools'),
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--audit-file',
      audit,
    ],
    {
      cwd: dir,
      env: { ...process.env, GENESYS_TOOLS_BEARER_TOKEN: TOKEN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', log],
    },
  );
  closeSync(log);
  // Calls answered 2xx over the whole run, the two checks included.
  let answered = 2;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
        if (found !== undefined && out.includes('MCP ')) resolve(Number(found));
      });
      proc.once('exit', (code) => {
        reject(
          new Error(
            `serve exited (${String(code)}): ${out}${readFileSync(join(dir, 'serve.log'), 'utf8')}`,
          ),
        );
      });
    });
    await checkAnswers(port);
    console.log(
      `MCP vs plain calls: one \`serve --mcp\` process (telemetry, logs, audit on), ${String(CONNECTIONS)} connections, ${String(rounds)} rounds of ${String(seconds)} s per protocol in turn, loopback, autocannon`,
    );
    const results = new Map<Protocol, CannonResult[]>([
      ['plain', []],
      ['mcp', []],
    ]);
    const cpu = new Map<Protocol, number[]>([
      ['plain', []],
      ['mcp', []],
    ]);
    for (const protocol of ['plain', 'mcp'] as const) {
      answered += (await load(port, protocol, 2))['2xx']; // warm-up
    }
    const pid = proc.pid ?? 0;
    for (let round = 0; round < rounds; round++) {
      for (const protocol of ['plain', 'mcp'] as const) {
        const before = cpuUs(pid);
        const result = await load(port, protocol, seconds);
        cpu.get(protocol)?.push((cpuUs(pid) - before) / Math.max(1, result.requests.total));
        results.get(protocol)?.push(result);
        answered += result['2xx'];
      }
    }
    const row = (protocol: Protocol) => {
      const all = results.get(protocol) ?? [];
      return {
        calls: protocol === 'plain' ? 'POST /api/v1/tools/{name}' : 'MCP tools/call (POST /mcp)',
        'calls/s': Math.round(median(all.map((r) => r.requests.average))),
        'p50 ms': median(all.map((r) => r.latency.p50)),
        'p99 ms': median(all.map((r) => r.latency.p99)),
        'CPU µs/call': Number(median(cpu.get(protocol) ?? []).toFixed(1)),
        'not 2xx': all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
      };
    };
    const rows = [row('plain'), row('mcp')];
    console.table(rows);
    console.log(
      `MCP / plain calls/s: ${((rows[1]!['calls/s'] / Math.max(1, rows[0]!['calls/s'])) * 100).toFixed(1)}%`,
    );
  } finally {
    await new Promise<void>((done) => {
      if (proc.exitCode !== null) {
        done();
        return;
      }
      proc.once('exit', () => {
        done();
      });
      proc.kill('SIGTERM');
    });
    // The current file and its rotated ones (audit.jsonl.1, ...): the chain of this run.
    const records = readdirSync(dir)
      .filter((f) => f === 'audit.jsonl' || /^audit\.jsonl\.\d+$/.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .flat()
      .filter((l) => l.includes('"invocationId"')).length;
    console.log(
      `audit log: ${String(records)} invocation records for ${String(answered)} calls answered 2xx over both protocols (autocannon does not count the calls in flight when a run ends)`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
