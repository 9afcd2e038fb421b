/**
 * `npx tsx bench/saturation.ts` (after `npm run build`; needs `wrk`, Debian package `wrk`): what a
 * flood costs. Each server is driven at saturation by wrk (C, one thread, 50 connections, on CPU 1;
 * the server pinned to CPU 0), one kind of call at a time, and the main thread's CPU per call is
 * read from /proc: at saturation the server never sleeps between calls, so no wake-up is billed to
 * a call, unlike bench/server.ts's open-loop rows at 2,000/s (issue 18, goal 2). Kinds for
 * `serve` (default and write durability): a success, a 401 without credentials, a 429 of the rate
 * limit, a 422 of bad parameters; for the FastAPI peer, bare `node:http` and Fastify alone: a
 * success. BENCH_SAT_SECONDS per kind (default 8, after a 2 s warm-up).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_KINDS, cpuUs, peersDir, startServer, writeTools } from './servers.js';
import type { CallKind, ServerSpec } from './servers.js';

const SECONDS = Number(process.env['BENCH_SAT_SECONDS'] ?? 8);

if (spawnSync('wrk', ['--version']).error !== undefined) {
  console.log('bench/saturation.ts needs wrk (apt-get install wrk); not run');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-saturation-'));
mkdirSync(join(dir, 'tools'));
writeTools(dir);
const hasTaskset = spawnSync('taskset', ['-pc', '1', String(process.pid)]).status === 0;
const python = spawnSync('/usr/bin/python3', ['-c', 'import fastapi, uvicorn, uvloop, httptools']);
const specs: ServerSpec[] = [
  { kind: 'serve', label: 'serve', flags: [] },
  { kind: 'serve', label: 'serve write', flags: ['--audit-durability', 'write'] },
  ...(peersDir() !== undefined && python.status === 0
    ? [{ kind: 'fastapi', label: 'FastAPI peer' } as const]
    : []),
  { kind: 'bare', label: 'bare node:http' },
  { kind: 'fastify', label: 'Fastify alone' },
];

function script(k: CallKind): string {
  const file = join(dir, `${k.kind.slice(0, 3)}.lua`);
  const headers = Object.entries(k.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.path = ${JSON.stringify(k.path)}\nwrk.body = ${JSON.stringify(k.body)}\n${headers}\n`,
  );
  return file;
}

function wrk(port: number, lua: string, seconds: number): string {
  const argv = [
    '-t1',
    '-c50',
    `-d${String(seconds)}s`,
    '-s',
    lua,
    `http://127.0.0.1:${String(port)}`,
  ];
  const run = hasTaskset
    ? spawnSync('taskset', ['-c', '1', 'wrk', ...argv], { encoding: 'utf8' })
    : spawnSync('wrk', argv, { encoding: 'utf8' });
  return run.stdout;
}

const rows: Record<string, string>[] = [];
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
try {
  let index = 0;
  for (const spec of specs) {
    const server = await startServer(spec, dir, index++);
    try {
      let successUs = NaN;
      for (const k of spec.kind === 'serve' ? CALL_KINDS : CALL_KINDS.slice(0, 1)) {
        const lua = script(k);
        wrk(server.port, lua, 2);
        const before = cpuUs(server.proc.pid, 'main');
        const out = wrk(server.port, lua, SECONDS);
        const mainUs = cpuUs(server.proc.pid, 'main') - before;
        const calls = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
        const other = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
        const perCall = mainUs / Math.max(1, calls);
        if (k.kind === '200 success') successUs = perCall;
        rows.push({
          server: spec.label,
          call: k.kind,
          'calls/s': fmt(calls / SECONDS),
          'not 2xx': fmt(other),
          'main-thread µs/call': fmt(perCall, 1),
          'main thread busy': `${fmt((mainUs / 1e6 / SECONDS) * 100)} %`,
          'vs its success': spec.kind === 'serve' ? `${fmt((perCall / successUs) * 100)} %` : '',
        });
      }
    } finally {
      await server.stop();
    }
  }
  console.log(
    `saturation (wrk -t1 -c50, ${String(SECONDS)} s per kind${hasTaskset ? ', server on CPU 0, wrk on CPU 1' : ''}), ${new Date().toISOString().slice(0, 10)}`,
  );
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
