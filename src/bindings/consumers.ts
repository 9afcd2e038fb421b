/**
 * Who else uses an action (reference §10.4): dependency tracking lists every guide version,
 * agent version and Architect flow that names it. Before a replace (new id), plan lists the ones
 * this config does not re-point: other guides and agents, and flows (edited in Architect only).
 */
import type { ConsumingResourceWire } from '../genesys/index.js';
import type { BindingsClient } from './remote.js';

/** Something that uses an action: a guide, an agent or a flow, with the versions that name it. */
export interface Consumer {
  /** `GUIDE`, `VIRTUALAGENT`, or a flow type (`INBOUNDCALLFLOW`, `BOT`, ...). */
  readonly type: string;
  readonly id: string;
  readonly name: string | undefined;
  /** The versions naming the action (guides and agents list one entry per version). */
  readonly versions: readonly string[];
}

/** The guides and agents this config binds (as `readRemoteBindings` returns them). */
export interface ConfiguredTargets {
  readonly guides: readonly { readonly id: string }[];
  readonly agents: readonly { readonly id: string }[];
}

/** Folds the per-version entries into one consumer per (type, id), in first-seen order. */
export function groupConsumers(entries: readonly ConsumingResourceWire[]): Consumer[] {
  const out = new Map<
    string,
    { type: string; id: string; name: string | undefined; versions: string[] }
  >();
  for (const e of entries) {
    const key = `${e.type}\u0000${e.id}`;
    const found = out.get(key) ?? { type: e.type, id: e.id, name: e.name, versions: [] };
    if (e.version !== undefined && !found.versions.includes(e.version))
      found.versions.push(e.version);
    out.set(key, found);
  }
  return [...out.values()];
}

/** True when `c` is one of the configured guides or agents (their versions are re-pointed here). */
export function isConfigured(c: Consumer, configured: ConfiguredTargets): boolean {
  if (c.type === 'GUIDE') return configured.guides.some((g) => g.id === c.id);
  if (c.type === 'VIRTUALAGENT') return configured.agents.some((a) => a.id === c.id);
  return false;
}

/**
 * What uses `actionId` besides the configured guides and agents: other guides' and agents'
 * versions, and flows.
 * @throws GenesysApiError (GENESYS_FORBIDDEN without architect:dependencyTracking:view)
 */
export async function findConsumers(
  client: BindingsClient,
  actionId: string,
  configured: ConfiguredTargets,
  signal?: AbortSignal,
): Promise<Consumer[]> {
  const entries = await client.dependencies
    .consumingResources(actionId, signal === undefined ? {} : { signal })
    .collect();
  return groupConsumers(entries).filter((c) => !isConfigured(c, configured));
}

/**
 * Per action id, every guide, agent and flow that uses it (for `list`).
 * @throws GenesysApiError
 */
export async function bindingsUsage(
  client: BindingsClient,
  actionIds: readonly string[],
  signal?: AbortSignal,
): Promise<ReadonlyMap<string, readonly Consumer[]>> {
  const out = new Map<string, readonly Consumer[]>();
  for (const id of actionIds) {
    const entries = await client.dependencies
      .consumingResources(id, signal === undefined ? {} : { signal })
      .collect();
    out.set(id, groupConsumers(entries));
  }
  return out;
}
