/**
 * `npx tsx bench/refusals.ts` (after `npm run build`): what unauthenticated callers cost the built
 * `serve` (issue 14, item 1). 10,000 calls without credentials, each with 7 KB `ININ-User-Id` and
 * `ININ-Correlation-Id` headers, then 10,000 successful calls; loopback only, a bounded count.
 * Prints, for each: the audit directory's growth (after the server stopped, so the refusal counts
 * written at shutdown are included), the log's growth, and the server's CPU per request read from
 * /proc (all threads, as bench/server.ts does).
 *
 * Goals: refusals grow the audit directory by < 1 MB and cost < 1/3 of the CPU per request of a
 * successful call. `BENCH_CLI=/path/to/dist/cli/main.js` measures another build (e.g. the commit
 * before the fix); `BENCH_CALLS` sets the count.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  requests: { total: number };
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

function cannon(): Cannon {
  // autocannon ships no type declarations; narrow what we call.
  const loaded: unknown = createRequire(import.meta.url)('autocannon');
  if (typeof loaded !== 'function') throw new Error('autocannon did not load');
  return loaded as Cannon;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env['BENCH_CLI'] ?? join(ROOT, 'dist', 'cli', 'main.js');
const TOKEN = 'bench-refusals-token-0123456789';
const CALLS = Math.min(Number(process.env['BENCH_CALLS'] ?? 10_000), 100_000);
const CONNECTIONS = 10;
const BIG_ID = 'x'.repeat(7 * 1024);
const BODY = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'SKU-12345' } });

const TOOL_MODULE = `import { defineTool } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)};
export default defineTool({
  name: 'check_inventory',
  description: 'Checks inventory levels for a SKU',
  input: { type: 'object', properties: { sku: { type: 'string', minLength: 1 } }, required: ['sku'] },
  rateLimit: { requestsPerMinute: 1000000, burstSize: 10000 },
  handler: ({ sku }) => ({ sku, inventory_level: 42 }),
});
`;

const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) of all threads of `pid`, in microseconds. */
function cpuUs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    total += name.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}

interface Server {
  readonly proc: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

function startServe(dir: string, auditDir: string): Promise<Server> {
  const log = openSync(join(dir, 'serve.log'), 'a');
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
      join(auditDir, 'audit.jsonl'),
    ],
    {
      cwd: dir,
      env: { ...process.env, GENESYS_TOOLS_BEARER_TOKEN: TOKEN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', log],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /serving .*?at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port === undefined) return;
      resolve({
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
    });
    proc.once('exit', (code) => {
      reject(
        new Error(
          `serve exited (${String(code)}): ${out}${readFileSync(join(dir, 'serve.log'), 'utf8')}`,
        ),
      );
    });
  });
}

interface Row {
  readonly scenario: string;
  readonly calls: number;
  readonly answered: string;
  readonly 'CPU µs/req': number;
  readonly 'audit growth KB': number;
  readonly 'log growth KB': number;
}

async function measure(
  dir: string,
  scenario: string,
  headers: Record<string, string>,
): Promise<Row> {
  const auditDir = join(dir, `audit-${scenario.replace(/\W+/g, '-')}`);
  mkdirSync(auditDir, { recursive: true });
  const logBefore = statSync(join(dir, 'serve.log'), { throwIfNoEntry: false })?.size ?? 0;
  const server = await startServe(dir, auditDir);
  const auditBefore = bytesUnder(auditDir);
  // A short warm-up so that JIT compilation is not billed to the first calls measured.
  await cannon()({
    url: `http://127.0.0.1:${server.port}/api/v1/tools/check_inventory`,
    method: 'POST',
    connections: CONNECTIONS,
    amount: 500,
    headers,
    body: BODY,
  });
  const before = cpuUs(server.proc.pid);
  const result = await cannon()({
    url: `http://127.0.0.1:${server.port}/api/v1/tools/check_inventory`,
    method: 'POST',
    connections: CONNECTIONS,
    amount: CALLS,
    headers,
    body: BODY,
  });
  const cpu = (cpuUs(server.proc.pid) - before) / CALLS;
  await server.stop();
  return {
    scenario,
    calls: CALLS,
    answered: `${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors`,
    'CPU µs/req': Number(cpu.toFixed(1)),
    'audit growth KB': Number(((bytesUnder(auditDir) - auditBefore) / 1024).toFixed(1)),
    'log growth KB': Number(
      ((statSync(join(dir, 'serve.log')).size - logBefore) / 1024).toFixed(1),
    ),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-refusals-'));
try {
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'check-inventory.tool.js'), TOOL_MODULE);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const ids = { 'inin-user-id': BIG_ID, 'inin-correlation-id': BIG_ID };
  const refused = await measure(dir, 'refused (no credentials, 7 KB ids)', {
    'content-type': 'application/json',
    ...ids,
  });
  const bare = await measure(dir, 'refused (no credentials, no ids)', {
    'content-type': 'application/json',
  });
  const ok = await measure(dir, 'successful', {
    'content-type': 'application/json',
    authorization: `Bearer ${TOKEN}`,
  });
  console.table([refused, bare, ok]);
  const ratio = refused['CPU µs/req'] / ok['CPU µs/req'];
  console.log(`CLI: ${CLI}`);
  console.log(
    `refusals: audit +${refused['audit growth KB']} KB for ${CALLS} calls (goal < 1024 KB); CPU per refusal ${(ratio * 100).toFixed(0)} % of a successful call (goal < 33 %)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
