/**
 * The servers of bench/server.ts, each a process of its own pinned to CPU 0 when `taskset` exists
 * (the load generator then runs on CPU 1): `serve` (the CLI, one process per row of serve flags),
 * the FastAPI peer of ../shared/peers (run from there, never copied), bare `node:http`, Fastify
 * alone, and the ladder's layers between.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI; `BENCH_CLI` measures another build (e.g. the commit before a change). */
export const CLI = process.env['BENCH_CLI'] ?? join(ROOT, 'dist', 'cli', 'main.js');
export const TOKEN = 'bench-bearer-token-0123456789';
/** The peers README's request, sent to every server alike. */
export const BODY = JSON.stringify({
  tool_name: 'check_inventory',
  parameters: { sku: 'ABC-1' },
  conversation_id: 'c1',
  user_id: 'u1',
});
export const PATH = '/api/v1/tools/check_inventory';
/** The headers of an authenticated call. */
export const AUTH: Readonly<Record<string, string>> = {
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
};

/** One kind of call the benches send to `serve`. */
export interface CallKind {
  readonly kind: '200 success' | '401 no credentials' | '429 rate limit' | '422 bad parameters';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A success, then each refusal goal 2 of issue 18 names; the success first. */
export const CALL_KINDS: readonly CallKind[] = [
  { kind: '200 success', path: PATH, headers: AUTH, body: BODY },
  {
    kind: '401 no credentials',
    path: PATH,
    headers: { 'content-type': 'application/json' },
    body: BODY,
  },
  {
    kind: '429 rate limit',
    path: '/api/v1/tools/limited_inventory',
    headers: AUTH,
    body: BODY.replace('"check_inventory"', '"limited_inventory"'),
  },
  { kind: '422 bad parameters', path: PATH, headers: AUTH, body: BODY.replace('"ABC-1"', '42') },
];

/**
 * The tools as the README's examples are written: TypeScript sources importing `genesys-tools`,
 * which resolves (through the bench directory's node_modules) to this checkout's built package, the
 * same modules the CLI runs, as in a user's project. `check_inventory` has the highest rate limit allowed (the bench measures the
 * pipeline, not the bucket); `limited_inventory` refuses all but one call a minute (429 rows).
 */
const tool = (
  name: string,
  perMinute: number,
  burst: number,
): string => `import { defineTool } from 'genesys-tools';
import { z } from 'zod';

export default defineTool({
  name: '${name}',
  description: 'Checks inventory levels for a SKU',
  input: z.object({ sku: z.string().min(1), warehouse_id: z.string().min(1).optional() }),
  output: z.object({ sku: z.string(), inventory_level: z.number().int().min(0) }),
  rateLimit: { requestsPerMinute: ${String(perMinute)}, burstSize: ${String(burst)} },
  timeoutMs: 5000,
  retries: 1,
  concurrency: { maxConcurrent: 100, maxQueue: 200 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30000 },
  handler: ({ sku }: { sku: string }) => ({ sku, inventory_level: 42 }),
});
`;

/** Writes the bench's tool files under `dir`/tools, beside a node_modules as in a user's project. */
export function writeTools(dir: string): void {
  // A user's project: its own node_modules holding zod and the installed genesys-tools package.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
  symlinkSync(ROOT, join(dir, 'node_modules', 'genesys-tools'), 'dir');
  writeFileSync(
    join(dir, 'tools', 'check_inventory.tool.ts'),
    tool('check_inventory', 1_000_000, 10_000),
  );
  writeFileSync(join(dir, 'tools', 'limited_inventory.tool.ts'), tool('limited_inventory', 1, 1));
}

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
const pkg = (name: string): string =>
  JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve(name)).href);

/** Fastify alone on the same route, and the ladder's layers between it and `serve`. */
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

export type Kind = 'serve' | 'fastapi' | 'bare' | 'fastify' | 'pipeline' | 'telemetry' | 'logs';

export interface ServerSpec {
  readonly kind: Kind;
  readonly label: string;
  /** Extra `serve` flags (kind serve only), e.g. ['--audit-durability', 'write']. */
  readonly flags?: readonly string[];
}

export interface Server extends ServerSpec {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly auditDir: string;
  /** Full (mark-compact) GCs so far, from `--trace-gc` (node servers). */
  majorGcs(): number;
  stop(): Promise<void>;
}

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
/** Pins this process (the load generator) to CPU 1; servers go to CPU 0. */
export function pinGenerator(): boolean {
  if (hasTaskset) spawnSync('taskset', ['-pc', '1', String(process.pid)]);
  return hasTaskset;
}

/** The peers directory: ../shared/peers from the main checkout (../../ from a worktree). */
export function peersDir(): string | undefined {
  const candidates = [
    process.env['BENCH_PEERS_DIR'],
    resolve(ROOT, '..', 'shared', 'peers'),
    resolve(ROOT, '..', '..', 'shared', 'peers'),
  ];
  return candidates.find(
    (c): c is string => c !== undefined && existsSync(join(c, 'seed_fastapi', 'app.py')),
  );
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        done(port);
      });
    });
  });
}

async function command(
  spec: ServerSpec,
  dir: string,
  auditDir: string,
  profileDir?: string,
): Promise<{ argv: string[]; cwd: string; port?: number }> {
  // A sample every 250 µs: a call costs tens of µs, so the default 1 ms sees too few per function.
  const profile =
    profileDir === undefined
      ? []
      : ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '250'];
  switch (spec.kind) {
    case 'serve':
      return {
        cwd: dir,
        argv: [
          process.execPath,
          '--trace-gc',
          ...profile,
          CLI,
          'serve',
          '--tools',
          join(dir, 'tools'),
          '--port',
          '0',
          '--metrics-port',
          '0',
          '--audit-file',
          join(auditDir, 'audit.jsonl'),
          ...(spec.flags ?? []),
        ],
      };
    case 'fastapi': {
      const peers = peersDir();
      if (peers === undefined)
        throw new Error('the FastAPI peer was not found: set BENCH_PEERS_DIR');
      const port = await freePort();
      return {
        cwd: join(peers, 'seed_fastapi'),
        port,
        argv: [
          '/usr/bin/python3',
          '-m',
          'uvicorn',
          'app:app',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--workers',
          '1',
          '--loop',
          'uvloop',
          '--http',
          'httptools',
          '--no-access-log',
          '--log-level',
          'warning',
        ],
      };
    }
    case 'bare':
    case 'fastify':
    case 'pipeline':
    case 'telemetry':
    case 'logs':
      return {
        cwd: dir,
        argv: [
          process.execPath,
          '--trace-gc',
          ...profile,
          '--input-type=module',
          '-e',
          spec.kind === 'bare' ? BARE_SERVER : LAYER_SERVER,
        ],
      };
  }
}

/** Starts a server; resolves once it answers (node: prints its URL; the peer: accepts a call). */
export async function startServer(
  spec: ServerSpec,
  dir: string,
  index: number,
  profileDir?: string,
): Promise<Server> {
  const auditDir = join(dir, `audit-${String(index)}`);
  const { argv, cwd, port: fixedPort } = await command(spec, dir, auditDir, profileDir);
  const logFile = join(dir, `server-${String(index)}.log`);
  const log = openSync(logFile, 'w');
  const [exe = '', ...args] = hasTaskset ? ['taskset', '-c', '0', ...argv] : argv;
  const proc = spawn(exe, args, {
    cwd,
    env: {
      ...process.env,
      GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      BENCH_LAYER: spec.kind,
      AUDIT_LOG_FILE: join(dir, `peer-audit-${String(index)}.log`),
    },
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  let majorGcs = 0;
  const stop = (): Promise<void> =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null) {
        done();
        return;
      }
      proc.once('exit', () => {
        done();
      });
      proc.kill('SIGTERM');
    });
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    let partial = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('Mark-Compact')) majorGcs++;
        else if (out.length < 10_000) out += `${line}\n`;
      }
      const found = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (found !== undefined && fixedPort === undefined) done(Number(found));
    });
    proc.once('exit', (code) => {
      fail(
        new Error(`${spec.label} exited (${String(code)}): ${out}${readFileSync(logFile, 'utf8')}`),
      );
    });
    if (fixedPort !== undefined)
      void waitForPort(fixedPort).then(() => {
        done(fixedPort);
      }, fail);
  });
  return { ...spec, proc, port, auditDir, majorGcs: () => majorGcs, stop };
}

async function waitForPort(port: number): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${String(port)}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing answered on port ${String(port)} within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A field of /proc/PID/status in MB (VmRSS: resident now, VmHWM: the peak). */
export function procMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return Number(kb ?? 0) / 1024;
}

const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU time (user + system) in µs of a server: all its threads, or its main thread only (the one
 * that runs JavaScript). With taskset the child is exec'd in place, so the pid is the server's.
 */
export function cpuUs(pid: number | undefined, thread: 'all' | 'main' = 'all'): number {
  const path =
    thread === 'all'
      ? `/proc/${String(pid)}/stat`
      : `/proc/${String(pid)}/task/${String(pid)}/stat`;
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}
