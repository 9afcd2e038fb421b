/**
 * Three `serve` processes (the built CLI) sharing one Redis, as three replicas behind a load
 * balancer (issue 16 §2): a tool's limit holds across them, and a signed message one accepted is
 * refused as a replay by another.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sharedWindow, sharedWindowBound } from '../../src/server/index.js';
import { redisSkipReason, redisSource, startRedis } from '../support/redis.js';
import { tempDir } from '../support/temp-dir.js';
import { startDaemon } from './support.js';
import type { Daemon } from './support.js';

const source = redisSource();
const skip = redisSkipReason(source);
const TOKEN = 'replicas-bearer-token-0123456789';
const SECRET = `whsec_${Buffer.from('replicas-signing-key-0123456789abc').toString('base64')}`;
const LIMIT = { requestsPerMinute: 60, burstSize: 10 };
const CALLS = 300;
const CONCURRENCY = 30;

async function replica(
  redisUrl: string,
  dir: string,
  n: number,
): Promise<{ base: string; daemon: Daemon }> {
  const daemon = await startDaemon(
    [
      'serve',
      '--tools',
      'test/fixtures/replicas',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--replicas',
      '3',
    ],
    {
      GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
      GENESYS_TOOLS_SIGNING_SECRET: SECRET,
      GENESYS_TOOLS_REDIS_URL: redisUrl,
      GENESYS_TOOLS_AUDIT_FILE: `${dir}/audit-${n}.jsonl`,
      LOG_LEVEL: 'warn',
    },
    /serving 2 tool\(s\) at (http:\/\/127\.0\.0\.1:\d+)/,
  );
  return { base: daemon.match[1] ?? '', daemon };
}

function post(base: string, tool: string, body: string, headers: Record<string, string>) {
  return fetch(`${base}/api/v1/tools/${tool}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe.skipIf(skip !== undefined)(
  `three serve replicas sharing one Redis${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('admit no more than the limit allows across replicas, and refuse a replay on another replica', async () => {
      const redis = await startRedis(source);
      const dir = tempDir();
      const replicas = await Promise.all([0, 1, 2].map((n) => replica(redis.url, dir, n)));
      for (const { base } of replicas) {
        const ready = await fetch(`${base}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', shared_state: 'up' });
      }

      // A signed message accepted by replica 0 is a replay for replica 1 (and 2).
      const body = JSON.stringify({ tool_name: 'signed_echo', parameters: { text: 'hi' } });
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      const signed = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(SECRET).sign(id, at, body),
      };
      const [r0, r1, r2] = replicas.map((r) => r.base);
      const accepted = await post(r0 ?? '', 'signed_echo', body, signed);
      expect(accepted.status).toBe(200);
      const replayed = await post(r1 ?? '', 'signed_echo', body, signed);
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { error_code: string }).error_code).toBe('UNAUTHORIZED');
      expect((await post(r2 ?? '', 'signed_echo', body, signed)).status).toBe(401);

      // 300 calls spread round-robin over the replicas, 30 at a time.
      const call = JSON.stringify({ tool_name: 'limited_lookup', parameters: { sku: 'A-1' } });
      const statuses: (number | string)[] = [];
      const startMs = Date.now();
      for (let i = 0; i < CALLS; i += CONCURRENCY) {
        const batch = Array.from({ length: CONCURRENCY }, (_, j) => {
          const base = replicas[(i + j) % replicas.length]?.base ?? '';
          return post(base, 'limited_lookup', call, { authorization: `Bearer ${TOKEN}` }).then(
            async (r) => {
              const reply = (await r.json()) as { error_code?: string };
              return r.status === 200 ? 200 : `${r.status} ${reply.error_code ?? ''}`;
            },
          );
        });
        statuses.push(...(await Promise.all(batch)));
      }
      const spanMs = Date.now() - startMs;
      const admitted = statuses.filter((s) => s === 200).length;
      const window = sharedWindow(LIMIT);

      // The bound: over any span of t seconds a window of P calls per D seconds admits at most
      // P·(⌈t/D⌉ + 1) calls, which for 60/min with burst 10 (P = 5, D = 5 s) is at most
      // burst + rate·t = 10 + t calls. Three replicas each with its own bucket would admit 30+.
      expect(admitted).toBeLessThanOrEqual(sharedWindowBound(window, spanMs));
      expect(admitted).toBeLessThanOrEqual(
        LIMIT.burstSize + (LIMIT.requestsPerMinute * spanMs) / 60_000,
      );
      expect(admitted).toBeGreaterThanOrEqual(window.points);
      expect(statuses.filter((s) => s !== 200 && s !== '429 RATE_LIMITED')).toEqual([]);
      expect(statuses).toHaveLength(CALLS);

      for (const { daemon } of replicas) expect(await daemon.stop()).toBe(0);
    }, 120_000);
  },
);
