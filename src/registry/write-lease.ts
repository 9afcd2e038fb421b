/**
 * The write lease of one managed scope (issue 15 item 2): two applies on the same category and
 * integration must not both write. The platform arbitrates: the lease is an entry in the
 * integration's `config/current` `advanced` object, written with a compare-and-swap on the config's
 * `version` (a PUT with a stale version answers 409, reference §7). It names its holder and
 * expires, so a crashed holder blocks the scope for one TTL at most.
 */
import type { Clock } from '../deps.js';
import { GenesysConflictError, SyncError } from '../errors.js';
import type { GenesysClient, IntegrationConfigWire } from '../genesys/index.js';
import { isRecord } from '../is-record.js';
import { signalOption } from './wire-read.js';

/** The key of the leases (one per category) in the integration config's `advanced`. */
export const LEASE_KEY = 'genesysToolsLeases';

/** Who holds (or asks for) a lease. */
export interface LeaseHolder {
  /** Unique per run. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** ISO time the run started. */
  readonly startedAt: string;
  /** The CI job, when the environment names one. */
  readonly ciJob?: string | undefined;
}

/** How a lease is taken and kept. */
export interface LeaseOptions {
  /** How long a lease lasts without renewal. */
  readonly ttlMs: number;
  /** How long to wait for a lease someone else holds; 0 fails at once. */
  readonly waitMs: number;
  /** Interval of the polls while waiting. */
  readonly pollMs: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal | undefined;
}

/** A lease held. */
export interface WriteLease {
  readonly holder: LeaseHolder;
  /** Extends the lease by its TTL. @throws SyncError SYNC_LEASE_LOST when someone took it over. */
  readonly renew: () => Promise<void>;
  /** Removes the lease (when it is still ours). */
  readonly release: () => Promise<void>;
}

interface Stored extends LeaseHolder {
  readonly expiresAt: string;
}

type Client = Pick<GenesysClient, 'integrations'>;

function storedOf(value: unknown): Stored | undefined {
  if (!isRecord(value)) return undefined;
  const { id, host, pid, startedAt, expiresAt, ciJob } = value;
  if (
    typeof id !== 'string' ||
    typeof host !== 'string' ||
    typeof pid !== 'number' ||
    typeof startedAt !== 'string' ||
    typeof expiresAt !== 'string'
  ) {
    return undefined;
  }
  return { id, host, pid, startedAt, expiresAt, ...(typeof ciJob === 'string' ? { ciJob } : {}) };
}

function leasesOf(config: IntegrationConfigWire): Record<string, unknown> {
  const leases = config.advanced?.[LEASE_KEY];
  return isRecord(leases) ? { ...leases } : {};
}

/** The words naming a holder in messages. */
export function describeHolder(h: LeaseHolder): string {
  return `pid ${h.pid} on ${h.host}, started ${h.startedAt}${h.ciJob === undefined ? '' : `, CI job ${h.ciJob}`}`;
}

/** Writes `leases` back with the config's version: GENESYS_CONFLICT when someone wrote since. */
async function putLeases(
  client: Client,
  integrationId: string,
  config: IntegrationConfigWire,
  leases: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const credentials: Record<string, { id: string }> = {};
  for (const [slot, ref] of Object.entries(config.credentials ?? {})) {
    credentials[slot] = { id: ref.id };
  }
  await client.integrations.putConfig(
    integrationId,
    {
      name: config.name ?? '',
      version: config.version,
      properties: config.properties ?? {},
      advanced: { ...(config.advanced ?? {}), [LEASE_KEY]: leases },
      notes: config.notes ?? '',
      credentials,
    },
    signalOption(signal),
  );
}

/**
 * Takes the lease of `category` in the integration, waiting up to `options.waitMs` while another
 * live holder has it.
 * @throws SyncError SYNC_LOCKED naming the holder when it is still held after the wait.
 */
export async function acquireLease(
  client: Client,
  integrationId: string,
  category: string,
  holder: LeaseHolder,
  options: LeaseOptions,
): Promise<WriteLease> {
  const { clock, signal } = options;
  const deadline = clock.nowMs() + options.waitMs;
  // Release runs after an interrupt too: it does not use the (aborted) signal.
  const write = async (mode: 'take' | 'renew' | 'release'): Promise<boolean> => {
    const signal = mode === 'release' ? undefined : options.signal;
    for (;;) {
      const config = await client.integrations.getConfig(integrationId, signalOption(signal));
      const leases = leasesOf(config);
      const current = storedOf(leases[category]);
      const live = current !== undefined && Date.parse(current.expiresAt) > clock.nowMs();
      if (current !== undefined && current.id !== holder.id && live) {
        if (mode === 'take') return false;
        if (mode === 'release') return true;
        throw new SyncError(
          'SYNC_LEASE_LOST',
          `the write lease of category "${category}" on integration ${integrationId} was taken over by ${describeHolder(current)} while this apply ran (it was not renewed in time); stopping. Run plan to see the state, then apply again.`,
          { details: { integrationId, category, holder: current } },
        );
      }
      if (mode === 'release' && current?.id !== holder.id) return true;
      const next = Object.fromEntries(Object.entries(leases).filter(([key]) => key !== category));
      if (mode !== 'release') {
        const expiresAt = new Date(clock.nowMs() + options.ttlMs).toISOString();
        next[category] = { ...holder, expiresAt } satisfies Stored;
      }
      try {
        await putLeases(client, integrationId, config, next, signal);
        return true;
      } catch (error) {
        // Someone wrote the config since we read it: read again and decide again.
        if (!(error instanceof GenesysConflictError)) throw error;
      }
    }
  };
  for (;;) {
    if (await write('take')) break;
    if (clock.nowMs() >= deadline) {
      const config = await client.integrations.getConfig(integrationId, signalOption(signal));
      const current = storedOf(leasesOf(config)[category]);
      const who = current === undefined ? 'another run' : describeHolder(current);
      throw new SyncError(
        'SYNC_LOCKED',
        `another apply holds the write lease of category "${category}" on integration ${integrationId}: ${who}${current === undefined ? '' : `, until ${current.expiresAt} unless renewed`}; nothing was changed. Wait for it and run again, or pass --lock-timeout to wait.`,
        {
          details: {
            integrationId,
            category,
            ...(current === undefined ? {} : { holder: current }),
          },
        },
      );
    }
    await clock.sleep(Math.min(options.pollMs, Math.max(1, deadline - clock.nowMs())), signal);
  }
  return {
    holder,
    renew: async () => {
      await write('renew');
    },
    release: async () => {
      await write('release');
    },
  };
}
