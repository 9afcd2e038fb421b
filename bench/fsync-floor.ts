/**
 * `npx tsx bench/fsync-floor.ts`: the latency floor the disk sets for the default audit durability
 * (issue 18, goal 1). No server, no HTTP: records of the audit's size arrive on the open-loop
 * schedule (500, 1,000 and 2,000 a second) and are appended to a file opened with O_DSYNC | O_APPEND,
 * as src/telemetry/audit-file.ts does, by group commit: one write in flight at a time, carrying
 * every record that arrived while the previous one was on its way to the disk. A record's latency
 * runs from its scheduled arrival to the end of the write that carried it: what a reply that waits
 * for its record would wait if everything else a call does cost nothing.
 *
 * Prints a table: rate, records, writes, records per write, p50/p99/p99.9/max ms. The directory
 * is BENCH_FSYNC_DIR (default the OS temp dir: put it where the audit log lives);
 * BENCH_FSYNC_SECONDS per rate (default 10).
 */
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env['BENCH_FSYNC_SECONDS'] ?? 10);
const RATES = [500, 1000, 2000] as const;
/** About the size of one audit record of the bench's calls, newline included. */
const RECORD = Buffer.from(`${JSON.stringify({ pad: 'x'.repeat(440) })}\n`);

interface Row {
  readonly rate: number;
  readonly records: number;
  readonly writes: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function measure(dir: string, rate: number): Promise<Row> {
  const { O_DSYNC } = constants as Partial<typeof constants>;
  if (O_DSYNC === undefined) throw new Error('this platform has no O_DSYNC');
  const file = join(dir, `floor-${String(rate)}.jsonl`);
  const handle = await open(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | O_DSYNC,
    0o600,
  );
  const total = rate * SECONDS;
  const latencies = new Float64Array(total);
  const start = performance.now();
  const scheduled = (i: number): number => start + (i * 1000) / rate;
  let arrived = 0;
  let written = 0;
  let writes = 0;
  try {
    while (written < total) {
      // Records whose time has come join the next write; none yet: wait for the first one.
      const now = performance.now();
      while (arrived < total && scheduled(arrived) <= now) arrived++;
      if (arrived === written) {
        const wait = scheduled(arrived) - now;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.floor(wait))));
        continue;
      }
      const batch = Buffer.concat(Array.from({ length: arrived - written }, () => RECORD));
      await handle.write(batch);
      writes++;
      const done = performance.now();
      for (let i = written; i < arrived; i++) latencies[i] = done - scheduled(i);
      written = arrived;
    }
  } finally {
    await handle.close();
  }
  latencies.sort();
  const ms = (v: number): number => Math.round(v * 100) / 100;
  return {
    rate,
    records: total,
    writes,
    p50: ms(percentile(latencies, 0.5)),
    p99: ms(percentile(latencies, 0.99)),
    p999: ms(percentile(latencies, 0.999)),
    max: ms(latencies[total - 1] ?? 0),
  };
}

const dir = await mkdtemp(join(process.env['BENCH_FSYNC_DIR'] ?? tmpdir(), 'fsync-floor-'));
try {
  const rows: Record<string, string | number>[] = [];
  for (const rate of RATES) {
    const r = await measure(dir, rate);
    rows.push({
      'records/s': r.rate,
      records: r.records,
      writes: r.writes,
      'records/write': Math.round((r.records / r.writes) * 10) / 10,
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'p99.9 ms': r.p999,
      'max ms': r.max,
    });
  }
  console.log(
    `fsync floor: O_DSYNC group commit of ${String(RECORD.length)}-byte records in ${dir}, ${String(SECONDS)} s per rate, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.table(rows);
} finally {
  await rm(dir, { recursive: true, force: true });
}
