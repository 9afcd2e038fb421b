/**
 * An open-loop load generator (issue 18): calls go out on a fixed schedule, call i at
 * start + i / rate, whether or not earlier replies came back, and each call's latency is counted
 * from its scheduled time, so a server that stalls is charged for every call that should have gone
 * out meanwhile (no coordinated omission). undici's Pool keeps up to `connections` keep-alive
 * connections; a call that finds them all busy waits in the pool, and that wait is latency too.
 */
import { Pool } from 'undici';

export interface OpenLoopOptions {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Calls per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Keep-alive connections at most (default 256). */
  readonly connections?: number;
}

export interface OpenLoopResult {
  readonly rate: number;
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Latency percentiles in milliseconds, from the scheduled send time. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** How far behind schedule the generator itself fell at worst, in ms (should stay ~1). */
  readonly lagMs: number;
  /**
   * The 99th percentile of that lag over the calls, in ms: the part of the latency percentiles that
   * is the generator's (or the machine's) rather than the server's.
   */
  readonly lagP99: number;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Runs the schedule, waits for the last reply (or 10 s), and returns the percentiles. */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(`http://127.0.0.1:${String(options.port)}`, {
    connections: options.connections ?? 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const total = Math.round(options.rate * options.seconds);
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let ok = 0;
  let lagMs = 0;
  const intervalMs = 1000 / options.rate;
  const start = performance.now();
  const send = (index: number): void => {
    const scheduled = start + index * intervalMs;
    pool
      .request({
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        body: options.body,
      })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
      })
      .catch(() => undefined)
      .finally(() => {
        latencies[done++] = performance.now() - scheduled;
      });
  };
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      if (sent < due) lagMs = Math.max(lagMs, now - (start + sent * intervalMs));
      while (sent < due) {
        lags[sent] = now - (start + sent * intervalMs);
        send(sent++);
      }
      // A timer: the generator sleeps between sends. Busy-waiting (setImmediate) cut its own
      // lag p99 from about 2 ms to 0.2 ms against bare node:http, but took CPU 1 from the kernel
      // threads that complete serve's fsyncs, and serve's p99 at 2,000/s went from 7 to 16-31 ms.
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = performance.now() + 10_000;
  while (done < total && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  await pool.close();
  // Calls still unanswered at the deadline count as failed, not in the percentiles.
  const measured = latencies.slice(0, done).sort();
  return {
    rate: options.rate,
    sent: total,
    ok,
    failed: total - ok,
    p50: round(percentile(measured, 0.5)),
    p99: round(percentile(measured, 0.99)),
    p999: round(percentile(measured, 0.999)),
    max: round(measured[measured.length - 1] ?? 0),
    lagMs: round(lagMs),
    lagP99: round(percentile(lags.sort(), 0.99)),
  };
}
