/**
 * `npm run bench`: runs every benchmark under bench/ one after the other (never in parallel: they
 * measure the same two cores), prints each one's own tables, then one summary table with each
 * benchmark's headline lines, status and wall time. Bounded: quick settings unless BENCH_FULL=1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Bench {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Lines of the output worth repeating in the summary. */
  readonly headline: RegExp;
}

const full = process.env.BENCH_FULL === '1';
const BENCHES: readonly Bench[] = [
  { name: 'validate', args: ['bench/validate.ts'], env: {}, headline: /validat|load/i },
  {
    name: 'server',
    args: ['bench/server.ts'],
    env: full ? {} : { BENCH_SECONDS: '5', BENCH_ROUNDS: '1' },
    headline: /full \/ bare|full p99/,
  },
  {
    name: 'telemetry',
    args: ['bench/telemetry.ts'],
    env: {},
    headline: /cost|on vs off|audit|metrics/i,
  },
  {
    name: 'sync',
    args: ['bench/sync.ts', '--sizes', full ? '50,200,1000' : '50,200'],
    env: {},
    headline: /apply|plan/,
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

const rows: { bench: string; status: string; seconds: string; headline: string }[] = [];
for (const bench of BENCHES) {
  console.log(`\n=== bench:${bench.name} ===`);
  const { code, output, seconds } = await runBench(bench);
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => bench.headline.test(l));
  rows.push({
    bench: bench.name,
    status: code === 0 ? 'ok' : `exit ${String(code)}`,
    seconds: seconds.toFixed(1),
    headline: lines.slice(0, 4).join(' | '),
  });
}
console.log('\n=== summary ===');
console.table(rows);
if (rows.some((r) => r.status !== 'ok')) process.exitCode = 1;
