/**
 * `npm run bench:profile` (builds first; or `npx tsx bench/profile-calls.ts` after `npm run build`):
 * where the main thread of the built `serve` spends its time per kind of call (issue 18, goal 2 and
 * 3). For each kind — a success (default durability and `--audit-durability write`), a 401 without
 * credentials, a 429 of the rate limit, a 422 of bad parameters — one `serve` process runs under
 * `node --cpu-prof`, gets a warm-up, then BENCH_PROFILE_CALLS calls (default 5,000; BENCH_PROFILE_CONNECTIONS connections, 10 by default).
 * Only the samples taken while those calls ran are counted (V8's profile clock is the monotonic
 * clock of `process.hrtime`), so start-up and shutdown are not billed to the calls.
 *
 * Prints per kind: the profile's busy time per call (non-idle samples / calls) and its ratio to a
 * success in the same run, then the top self-time functions as percentages of the busy time.
 * Percentages and ratios are relative, hence meaningful on a loaded machine; absolute µs are not.
 * `--keep DIR` keeps the .cpuprofile files (open them in Chrome DevTools); `--top N` (15).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_KINDS, startServer, writeTools } from './servers.js';

interface CannonResult {
  '2xx': number;
  non2xx: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const cannon = (): Cannon => {
  // autocannon ships no type declarations; narrow what we call.
  const loaded: unknown = createRequire(import.meta.url)('autocannon');
  if (typeof loaded !== 'function') throw new Error('autocannon did not load');
  return loaded as Cannon;
};

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const KINDS = CALL_KINDS.flatMap((k) =>
  k.kind === '200 success'
    ? [
        { ...k, flags: [] as string[] },
        { ...k, kind: '200 success (write)', flags: ['--audit-durability', 'write'] },
      ]
    : [{ ...k, flags: [] as string[] }],
);

const CALLS = Number(process.env['BENCH_PROFILE_CALLS'] ?? 5000);
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const TOP = Number(arg('--top') ?? 15);
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

function shortUrl(url: string): string {
  const at = url.lastIndexOf('/node_modules/');
  if (at >= 0) return url.slice(at + 14);
  const src = url.lastIndexOf('/dist/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^.*\//, '');
}

/** Self time per function over the samples taken between `fromUs` and `toUs`, and the busy total. */
function selfTimes(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
): { busyUs: number; by: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const by = new Map<string, number>();
  let t = profile.startTime;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const node = nodes.get(profile.samples[i] ?? -1);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const key =
      url === ''
        ? functionName || '(anonymous)'
        : `${functionName || '(anonymous)'} ${shortUrl(url)}:${String(lineNumber + 1)}`;
    // The time until the next sample is what this sample stands for.
    const weight = profile.timeDeltas[i + 1] ?? delta;
    by.set(key, (by.get(key) ?? 0) + weight);
    busyUs += weight;
  }
  return { busyUs, by };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
const keep = arg('--keep');
try {
  mkdirSync(join(dir, 'tools'));
  writeTools(dir);
  const results: { kind: string; busyUs: number; top: [string, number][]; answered: string }[] = [];
  let index = 0;
  for (const k of KINDS) {
    const profileDir = join(keep ?? dir, `profile-${String(index)}`);
    mkdirSync(profileDir, { recursive: true });
    const server = await startServer(
      { kind: 'serve', label: k.kind, flags: k.flags },
      dir,
      index++,
      profileDir,
    );
    const options = {
      url: `http://127.0.0.1:${String(server.port)}${k.path}`,
      method: 'POST',
      connections: Number(process.env['BENCH_PROFILE_CONNECTIONS'] ?? 10),
      headers: k.headers,
      body: k.body,
    };
    await cannon()({ ...options, amount: 2000 });
    const fromUs = nowUs();
    const r = await cannon()({ ...options, amount: CALLS });
    const toUs = nowUs();
    await server.stop();
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no profile in ${profileDir}`);
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
    const { busyUs, by } = selfTimes(profile, fromUs, toUs);
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    results.push({
      kind: k.kind,
      busyUs: busyUs / CALLS,
      top: top.map(([name, us]) => [name, (us / busyUs) * 100]),
      answered: `${String(r['2xx'])} 2xx, ${String(r.non2xx)} other`,
    });
  }
  const success = results[0]?.busyUs ?? NaN;
  for (const r of results) {
    console.log(
      `\n== ${r.kind}: ${r.answered}; busy ${r.busyUs.toFixed(1)} µs/call in the profile, ${((r.busyUs / success) * 100).toFixed(0)} % of a success (default durability)`,
    );
    for (const [name, pct] of r.top) console.log(`${pct.toFixed(1).padStart(6)} %  ${name}`);
  }
  if (keep !== undefined) console.log(`\nprofiles kept under ${keep}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
