/**
 * `npm run bench`: runs every benchmark under bench/ one after the other (never in parallel: they
 * measure the same two cores), prints each one's own tables, then one summary: each benchmark's
 * status, wall time and headline figures, the server bench's whole table among them (serve and
 * its peers from the same run). Bounded: quick settings unless BENCH_FULL=1. Arguments after
 * `npm run bench --` go to bench/server.ts (`--serve 'LABEL=FLAGS'` rows, `--long`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Bench {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The headline figures of the bench's output, one short line each. */
  readonly figures: (output: string) => string[];
}

const squash = (line: string): string => line.replace(/[│|]/g, ' ').replace(/\s+/g, ' ').trim();
const linesWith = (output: string, pattern: RegExp): string[] =>
  output
    .split('\n')
    .filter((l) => pattern.test(l))
    .map(squash);

/** The lines of a table printed between two marker lines, and the goal lines after it. */
function tableOf(output: string, start: string, end: string): string[] {
  const lines = output.split('\n');
  const from = lines.indexOf(start);
  const to = lines.indexOf(end);
  if (from < 0 || to < from) return [];
  const goals = lines.slice(to + 1).filter((l) => /^goals|^ {2}\d\. |^audit log of/.test(l));
  return [...lines.slice(from + 1, to), ...goals];
}

/** The data row that follows the table header containing `header`. */
function rowAfter(output: string, header: string): string[] {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.includes(header));
  const row = lines.slice(at + 1).find((l) => l.startsWith('│ 0'));
  return at < 0 || row === undefined ? [] : [`${squash(lines[at] ?? '')} => ${squash(row)}`];
}

const full = process.env.BENCH_FULL === '1';
const BENCHES: readonly Bench[] = [
  {
    name: 'validate',
    args: ['bench/validate.ts'],
    env: {},
    figures: (out) => linesWith(out, /valid call|500 manifests/),
  },
  {
    name: 'server',
    // Arguments after `npm run bench --` go to bench/server.ts: `--serve 'LABEL=FLAGS'` rows, `--long`.
    args: ['bench/server.ts', ...process.argv.slice(2)],
    env: full ? {} : { BENCH_SECONDS: '5', BENCH_ROUNDS: '1', BENCH_OPEN_SECONDS: '5' },
    figures: (out) => tableOf(out, '=== bench:server table ===', '=== end of table ==='),
  },
  {
    name: 'saturation',
    args: ['bench/saturation.ts'],
    env: full ? {} : { BENCH_SAT_SECONDS: '4' },
    figures: (out) => linesWith(out, /^│ \d|needs wrk/),
  },
  {
    name: 'fsync floor',
    args: ['bench/fsync-floor.ts'],
    env: full ? {} : { BENCH_FSYNC_SECONDS: '5' },
    figures: (out) => linesWith(out, /^│ \d/),
  },
  {
    name: 'telemetry',
    args: ['bench/telemetry.ts'],
    env: {},
    figures: (out) => rowAfter(out, 'off req/s'),
  },
  {
    name: 'sync',
    args: ['bench/sync.ts', '--sizes', full ? '50,200,1000' : '50,200'],
    env: {},
    figures: (out) => linesWith(out, /^\s+\d+\s+(apply|plan)|^check/),
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

function runBench(bench: Bench): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, ...bench.args], {
      cwd: root,
      env: { ...process.env, ...bench.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

const summary: string[] = [];
let failed = false;
for (const bench of BENCHES) {
  console.log(`\n=== bench:${bench.name} ===`);
  const { code, output, seconds } = await runBench(bench);
  failed ||= code !== 0;
  const status = code === 0 ? 'ok' : `exit ${String(code)}`;
  summary.push(`${bench.name.padEnd(10)} ${status.padEnd(7)} ${seconds.toFixed(1).padStart(6)} s`);
  for (const figure of bench.figures(output)) summary.push(`    ${figure}`);
}
console.log('\n=== summary (npm run bench; BENCH_FULL=1 for the long settings) ===');
console.log(summary.join('\n'));
if (failed) process.exitCode = 1;
