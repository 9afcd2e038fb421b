/**
 * A real Redis for tests (issue 16 §2): a `redis-server` of the test's own on a free loopback port
 * when the binary is there (no shared state between test files), else `REDIS_URL`. Neither: the
 * tests skip with one line saying why, except under CI=true, where they fail instead, so that
 * `.ci/run` cannot pass without having run them.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { onTestFinished } from 'vitest';

const BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** Where the tests get their Redis. */
export type RedisSource =
  | { readonly kind: 'binary'; readonly binary: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'none'; readonly reason: string };

/** Finds the Redis the tests can use; read once per test file. */
export function redisSource(): RedisSource {
  if (existsSync(BINARY)) return { kind: 'binary', binary: BINARY };
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') return { kind: 'url', url };
  return { kind: 'none', reason: `no ${BINARY} and REDIS_URL is not set` };
}

/**
 * Whether Redis tests must skip here: only outside CI. Under CI=true a missing Redis is not a
 * reason to skip, and `startRedis` then fails the test.
 */
export function redisSkipReason(source: RedisSource): string | undefined {
  if (source.kind !== 'none' || process.env.CI === 'true') return undefined;
  process.stderr.write(`Redis tests skipped: ${source.reason}\n`);
  return source.reason;
}

/** A Redis the test uses. */
export interface TestRedis {
  readonly url: string;
  /** Stops the server for good (own server only: a test of Redis going down). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

/** Starts `redis-server` on a free port and resolves once it accepts connections. */
async function spawnRedis(binary: string): Promise<TestRedis> {
  const port = await freePort();
  // `--port 0` is not supported: the port was free a moment ago (a race lost here fails loudly).
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = exited(child);
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await done;
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${out}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      await done;
    },
  };
}

/**
 * A Redis for the current test: its own server when the binary is there, else REDIS_URL.
 * @throws Error when there is none (under CI), or when `own` is asked and only REDIS_URL exists.
 */
export async function startRedis(source: RedisSource, own = false): Promise<TestRedis> {
  switch (source.kind) {
    case 'binary':
      return spawnRedis(source.binary);
    case 'url':
      if (own)
        throw new Error(`this test stops its Redis and needs ${BINARY}; REDIS_URL is shared`);
      return {
        url: source.url,
        stop: () => Promise.reject(new Error('a shared REDIS_URL is never stopped')),
      };
    case 'none':
      throw new Error(`Redis tests could not run: ${source.reason} (CI=true requires them)`);
  }
}
