/**
 * `apply` and `destroy` run under the write lease of their scope (issue 15 item 2): taken before
 * the plan is made (so that a run that waited plans against what the other one left), renewed
 * while the run lasts, released at the end and after an interrupt.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../../errors.js';
import { systemClock } from '../../deps.js';
import type { LeaseHolder } from '../../registry/index.js';
import type { CliContext } from '../context.js';
import type { SyncSession } from './sync-common.js';

/** How long a lease lasts without renewal, and how often it is renewed. */
const LEASE_TTL_MS = 120_000;
const RENEW_EVERY_MS = 30_000;
const POLL_MS = 2_000;

/** Parses `--lock-timeout` (milliseconds; default 0: fail at once when the lease is held). */
export function lockTimeoutOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 3_600_000) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `--lock-timeout ${value}: expected milliseconds, 0–3600000`,
      {
        details: { flag: '--lock-timeout' },
      },
    );
  }
  return n;
}

/** The CI job the environment names, if any (GitHub Actions, GitLab, Jenkins, others). */
function ciJobOf(env: CliContext['env']): string | undefined {
  if (env.GITHUB_RUN_ID !== undefined) {
    return `${env.GITHUB_REPOSITORY ?? 'github'} run ${env.GITHUB_RUN_ID} job ${env.GITHUB_JOB ?? '?'}`;
  }
  return env.CI_JOB_URL ?? env.BUILD_URL ?? env.CI_JOB_ID ?? undefined;
}

/** This run as a lease holder. */
export function leaseHolder(ctx: CliContext): LeaseHolder {
  const ciJob = ciJobOf(ctx.env);
  return {
    id: randomUUID(),
    host: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...(ciJob === undefined ? {} : { ciJob }),
  };
}

/**
 * Runs `work` holding the session's write lease; `work` gets a signal that aborts on an interrupt
 * or when the lease is lost. Targets without a lease run `work` as is.
 * @throws SyncError SYNC_LOCKED (held by another run after `waitMs`), SYNC_LEASE_LOST.
 */
export async function withWriteLease<T>(
  ctx: CliContext,
  session: SyncSession,
  waitMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { registry } = session;
  if (registry.lease === undefined) return work(ctx.stopSignal);
  const clock = systemClock;
  const lease = await registry.lease(leaseHolder(ctx), {
    ttlMs: LEASE_TTL_MS,
    waitMs,
    pollMs: POLL_MS,
    clock,
    signal: ctx.stopSignal,
  });
  const lost = new AbortController();
  const stopRenewing = new AbortController();
  const renewing = (async () => {
    for (;;) {
      try {
        await clock.sleep(RENEW_EVERY_MS, stopRenewing.signal);
      } catch {
        return;
      }
      try {
        await lease.renew();
      } catch (error) {
        lost.abort(error);
        return;
      }
    }
  })();
  try {
    return await work(AbortSignal.any([ctx.stopSignal, lost.signal]));
  } catch (error) {
    // The lease's own error says why the run stopped better than SYNC_ABORTED does.
    if (lost.signal.aborted && !ctx.stopSignal.aborted) throw lost.signal.reason;
    throw error;
  } finally {
    stopRenewing.abort();
    await renewing;
    await lease.release().catch((error: unknown) => {
      ctx.stderr(
        `warning: could not release the write lease (${error instanceof Error ? error.message : String(error)}); it expires by itself within ${LEASE_TTL_MS / 1000} s\n`,
      );
    });
  }
}
