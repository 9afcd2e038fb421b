/**
 * `planBindings`: per configured guide and agent, what changes in its tools compared with its
 * latest PUBLISHED version (nothing published: everything is an add). Pure.
 */
import type { AgentToolWire, GuideDataActionWire } from '../genesys/index.js';
import { agentTools, dataActionId, errorsKey, guideEntries, remoteErrors } from './content.js';
import { matchEntries, ownedIds, refOf, toolOfId } from './match.js';
import type {
  DesiredAgent,
  DesiredBindings,
  DesiredGuide,
  RemoteAgent,
  RemoteBindings,
  RemoteGuide,
  ToolRefs,
} from './types.js';

/** A field of a binding that can change in place. */
export type BindingField = 'label' | 'description' | 'errors';

/** One change of a guide's or agent's tools, discriminated by `kind`. */
export type BindingChange =
  | { readonly kind: 'add'; readonly tool: string; readonly id: string | undefined }
  | { readonly kind: 'remove'; readonly tool: string; readonly id: string }
  | {
      readonly kind: 'repoint';
      readonly tool: string;
      readonly fromId: string;
      /** Undefined while the new action is still to be created. */
      readonly toId: string | undefined;
      /** `replaced`: the action is being replaced (new id); `other`: the entry named another managed action. */
      readonly reason: 'replaced' | 'other';
    }
  | {
      readonly kind: 'update';
      readonly tool: string;
      readonly id: string | undefined;
      readonly fields: readonly BindingField[];
    }
  | { readonly kind: 'instruction' };

/** The plan of one guide. */
export interface GuidePlan {
  readonly kind: 'guide';
  readonly name: string;
  readonly id: string;
  readonly changes: readonly BindingChange[];
  /** Entries pointing at actions not managed here: kept untouched. */
  readonly foreign: readonly GuideDataActionWire[];
  readonly desired: DesiredGuide;
  readonly remote: RemoteGuide;
}

/** The plan of one agent. */
export interface AgentPlan {
  readonly kind: 'agent';
  readonly name: string;
  readonly id: string;
  readonly changes: readonly BindingChange[];
  /** DataAction tools pointing at actions not managed here: kept untouched. */
  readonly foreign: readonly AgentToolWire[];
  readonly desired: DesiredAgent;
  readonly remote: RemoteAgent;
}

/** A plan of every configured guide and agent. */
export interface BindingsPlan {
  readonly guides: readonly GuidePlan[];
  readonly agents: readonly AgentPlan[];
  /** Ids of every action this project manages (apply recomputes with them). */
  readonly managedIds: ReadonlySet<string>;
}

function entryChange(
  tool: string,
  how: 'id' | 'previous' | 'key',
  fromId: string,
  refs: ToolRefs,
  fields: readonly BindingField[],
): BindingChange | undefined {
  const toId = refOf(refs, tool).id;
  if (how !== 'id') {
    return {
      kind: 'repoint',
      tool,
      fromId,
      toId,
      reason: how === 'previous' ? 'replaced' : 'other',
    };
  }
  return fields.length === 0 ? undefined : { kind: 'update', tool, id: toId, fields };
}

/** The changes of one guide (pure). */
export function planGuide(
  desired: DesiredGuide,
  remote: RemoteGuide,
  refs: ToolRefs,
  managedIds: ReadonlySet<string>,
): GuidePlan {
  const owned = ownedIds(refs, managedIds);
  const published = guideEntries(remote.published);
  const ownedEntries = published.filter((e) => owned.has(e.id));
  const { matches, left } = matchEntries(desired.tools, ownedEntries, refs, {
    idOf: (e) => e.id,
    remoteKey: (e) => e.label,
    desiredKey: (d) => d.label,
  });
  const changes: BindingChange[] = [];
  for (const m of matches) {
    if (m.remote === undefined || m.how === 'none') {
      changes.push({ kind: 'add', tool: m.desired.tool, id: refOf(refs, m.desired.tool).id });
      continue;
    }
    const fields: BindingField[] = [];
    if (m.remote.label !== m.desired.label) fields.push('label');
    if ((m.remote.description ?? '') !== m.desired.description) fields.push('description');
    const change = entryChange(m.desired.tool, m.how, m.remote.id, refs, fields);
    if (change !== undefined) changes.push(change);
  }
  for (const e of left)
    changes.push({ kind: 'remove', tool: toolOfId(refs, e.id) ?? e.label, id: e.id });
  const publishedInstruction = remote.published?.instruction ?? '';
  if (desired.instruction !== undefined && desired.instruction !== publishedInstruction) {
    changes.push({ kind: 'instruction' });
  }
  const base = remote.published ?? remote.latest;
  return {
    kind: 'guide',
    name: remote.name,
    id: remote.id,
    changes,
    foreign: guideEntries(base).filter((e) => !owned.has(e.id)),
    desired,
    remote,
  };
}

/** The changes of one agent (pure). */
export function planAgent(
  desired: DesiredAgent,
  remote: RemoteAgent,
  refs: ToolRefs,
  managedIds: ReadonlySet<string>,
): AgentPlan {
  const owned = ownedIds(refs, managedIds);
  const isOwned = (t: AgentToolWire): boolean => {
    const id = dataActionId(t);
    return id !== undefined && owned.has(id);
  };
  const types = remote.published?.definition?.types ?? [];
  const ownedTools = agentTools(remote.published).filter(isOwned);
  const { matches, left } = matchEntries(desired.tools, ownedTools, refs, {
    idOf: (t) => dataActionId(t) ?? '',
    remoteKey: (t) => t.name ?? '',
    desiredKey: (d) => d.tool,
  });
  const changes: BindingChange[] = [];
  for (const m of matches) {
    if (m.remote === undefined || m.how === 'none') {
      changes.push({ kind: 'add', tool: m.desired.tool, id: refOf(refs, m.desired.tool).id });
      continue;
    }
    const fields: BindingField[] = [];
    if ((m.remote.description ?? '') !== m.desired.description) fields.push('description');
    if (errorsKey(remoteErrors(m.remote, types)) !== errorsKey(m.desired.errors))
      fields.push('errors');
    const change = entryChange(m.desired.tool, m.how, dataActionId(m.remote) ?? '', refs, fields);
    if (change !== undefined) changes.push(change);
  }
  for (const t of left) {
    const id = dataActionId(t) ?? '';
    changes.push({ kind: 'remove', tool: toolOfId(refs, id) ?? t.name ?? id, id });
  }
  const base = remote.published ?? remote.latest;
  return {
    kind: 'agent',
    name: remote.name,
    id: remote.id,
    changes,
    foreign: agentTools(base).filter((t) => t.type === 'DataAction' && !isOwned(t)),
    desired,
    remote,
  };
}

/**
 * Plans every configured guide and agent; `remote` is index for index with `desired` (as
 * `readRemoteBindings` returns it).
 */
export function planBindings(
  desired: DesiredBindings,
  remote: RemoteBindings,
  refs: ToolRefs,
  managedIds: ReadonlySet<string>,
): BindingsPlan {
  const guides = desired.guides.flatMap((d, i) => {
    const r = remote.guides[i];
    return r === undefined ? [] : [planGuide(d, r, refs, managedIds)];
  });
  const agents = desired.agents.flatMap((d, i) => {
    const r = remote.agents[i];
    return r === undefined ? [] : [planAgent(d, r, refs, managedIds)];
  });
  return { guides, agents, managedIds };
}

/** True when any guide or agent would get a new version. */
export function hasBindingChanges(plan: BindingsPlan): boolean {
  return [...plan.guides, ...plan.agents].some((p) => p.changes.length > 0);
}
