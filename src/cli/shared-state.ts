/**
 * `serve --redis-url` / GENESYS_TOOLS_REDIS_URL: the replicas' shared state (issue 16 §1), wired
 * to telemetry and the logger. Unset, nothing here loads Redis.
 */
import type { Logger } from '../deps.js';
import type { SharedState } from '../server/index.js';
import { createRedisSharedState } from '../server/index.js';
import type { Telemetry } from '../telemetry/index.js';

/**
 * The secrets in a Redis URL: the URL itself and its password (as written and decoded), so that
 * no log line carries them. Empty without a password.
 */
export function redisUrlSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return [url];
  }
  if (password === '') return [];
  return [url, password, decodeURIComponent(password)];
}

/** Opens the shared state when a Redis URL is configured. */
export async function openSharedState(
  url: string | undefined,
  replicas: number,
  wiring: { readonly logger: Logger; readonly telemetry: Telemetry },
): Promise<SharedState | undefined> {
  if (url === undefined) return undefined;
  return createRedisSharedState(
    { url, replicas },
    { logger: wiring.logger, onEvent: wiring.telemetry.onSharedStateEvent },
  );
}
