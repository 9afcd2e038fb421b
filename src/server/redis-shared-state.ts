/**
 * The replicas' shared state in Redis (issue 16 §1): each tool's limit is a fixed window of
 * rate-limiter-flexible's RateLimiterRedis (its own atomic script; sharedWindow() says which
 * window keeps the bucket's promise), and the replay cache is `SET key NX PX ttl`.
 *
 * A hung or gone Redis never holds a call: commands time out after `commandTimeoutMs`, there is no
 * offline queue (a command while disconnected fails at once), no command is retried, and the
 * client reconnects in the background with a capped backoff. ioredis and rate-limiter-flexible
 * are imported only here, on demand, so a server without Redis never loads them.
 */
import { z } from 'zod';
import type { Logger } from '../deps.js';
import { silentLogger } from '../deps.js';
import { ConfigError } from '../errors.js';
import type { SharedState, SharedStateEvent } from './shared-state.js';
import { sharedWindow } from './shared-state.js';

/** Options of `createRedisSharedState`. */
export const RedisSharedStateOptionsSchema = z.strictObject({
  /** `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). A secret when it has a password. */
  url: z.string().regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL'),
  /** Replicas sharing the limits; while Redis is down each serves 1/replicas of a limit. */
  replicas: z.int().min(1).max(10_000).default(1),
  /** Prefix of every key, so that deployments can share one Redis. */
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected letters, digits, _ . : -')
    .default('genesys-tools'),
  /** Longest a call waits for one Redis command before the store counts as down for it. */
  commandTimeoutMs: z.int().min(10).max(10_000).default(1000),
  /** Longest a connection attempt takes. */
  connectTimeoutMs: z.int().min(10).max(60_000).default(2000),
});

/** Options as callers write them. */
export type RedisSharedStateOptions = z.input<typeof RedisSharedStateOptionsSchema>;

/** What the Redis state reports to. */
export interface RedisSharedStateDeps {
  readonly logger: Logger;
  readonly onEvent: (event: SharedStateEvent) => void;
}

/** Reconnection backoff: 100 ms doubling to a 2 s ceiling, for ever (the server outlives outages). */
function reconnectDelayMs(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 5), 2000);
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Connects to Redis and returns the shared state. Does not fail when Redis is unreachable at
 * start: the state starts down (each tool's `onStoreDown` applies, signed calls are refused) and
 * comes up when Redis answers, so a replica restarted during an outage still serves.
 * @throws ConfigError CONFIG_INVALID for bad options (the URL is never echoed).
 */
export async function createRedisSharedState(
  input: RedisSharedStateOptions,
  deps: Partial<RedisSharedStateDeps> = {},
): Promise<SharedState> {
  const parsed = RedisSharedStateOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError('CONFIG_INVALID', `createRedisSharedState: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  const logger = deps.logger ?? silentLogger;
  const onEvent = deps.onEvent ?? (() => undefined);
  const { Redis } = await import('ioredis');
  const { RateLimiterRedis, RateLimiterRes } = await import('rate-limiter-flexible');

  const client = new Redis(o.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: o.connectTimeoutMs,
    retryStrategy: reconnectDelayMs,
  });

  let up: boolean | undefined;
  let closing = false;
  const setUp = (next: boolean, why: string): void => {
    // Closing at shutdown is no outage: no warning, no gauge change.
    if (next === up || closing) return;
    up = next;
    if (next) logger.info({}, 'shared state store (Redis) is up');
    else logger.warn({ reason: why }, 'shared state store (Redis) is down');
    onEvent({ type: 'store', up: next });
  };
  client.on('ready', () => {
    setUp(true, 'ready');
  });
  client.on('close', () => {
    setUp(false, 'connection closed');
  });
  // Without a listener an 'error' event would crash the process; the state change is what counts.
  client.on('error', (error: unknown) => {
    logger.debug({ err: { message: messageOf(error) } }, 'Redis client error');
  });
  /** Runs one store command; a failure marks the store down until the next success. */
  const command = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const value = await work();
      setUp(true, 'answered');
      return value;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) setUp(false, messageOf(error));
      throw error;
    }
  };

  await client.connect().catch((error: unknown) => {
    setUp(false, messageOf(error));
  });

  return {
    replicas: o.replicas,
    limiter: (toolName, policy) => {
      const window = sharedWindow(policy);
      const limiter = new RateLimiterRedis({
        storeClient: client,
        // The window is in the key: replicas running another limit during a rollout count apart.
        keyPrefix: `${o.keyPrefix}:rl:${window.points}:${window.durationSeconds}`,
        points: window.points,
        duration: window.durationSeconds,
        rejectIfRedisNotReady: true,
      });
      return {
        consume: async () => {
          try {
            await command(() => limiter.consume(toolName));
            return { ok: true };
          } catch (error) {
            if (error instanceof RateLimiterRes) {
              return { ok: false, retryAfterMs: error.msBeforeNext };
            }
            throw error;
          }
        },
      };
    },
    rememberOnce: async (id, ttlMs) => {
      if (client.status !== 'ready') throw new Error('Redis is not connected');
      const set = await command(() =>
        client.set(`${o.keyPrefix}:replay:${id}`, '1', 'PX', ttlMs, 'NX'),
      );
      return set === 'OK';
    },
    isUp: () => up === true && client.status === 'ready',
    storeDownCall: (event) => {
      logger.debug(event, 'call found the shared state store down');
      onEvent({ type: 'store-down-call', ...event });
    },
    close: async () => {
      closing = true;
      await client.quit().catch(() => {
        client.disconnect();
      });
    },
  };
}
