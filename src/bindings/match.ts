/**
 * Which entries of a guide or agent version this config owns, and which desired tool each owned
 * entry stands for. The rule (issue 13): the config owns the entries that point at an action it
 * manages (or at the action a replace is retiring); every other entry is kept untouched.
 */
import type { ToolRef, ToolRefs } from './types.js';

/** The ids whose entries the config owns: managed actions, and every id a tool ref names. */
export function ownedIds(refs: ToolRefs, managedIds: ReadonlySet<string>): ReadonlySet<string> {
  const out = new Set(managedIds);
  for (const ref of refs.values()) {
    if (ref.id !== undefined) out.add(ref.id);
    if (ref.previousId !== undefined) out.add(ref.previousId);
  }
  return out;
}

/** The ref of a tool; a tool the actions' plan does not know is one still to be created. */
export function refOf(refs: ToolRefs, tool: string): ToolRef {
  return refs.get(tool) ?? { id: undefined, state: 'new' };
}

/** The tool whose action (or retiring action) has `id`, if any. */
export function toolOfId(refs: ToolRefs, id: string): string | undefined {
  for (const [tool, ref] of refs) {
    if (ref.id === id || ref.previousId === id) return tool;
  }
  return undefined;
}

/** How a desired tool found its remote entry. */
export type MatchHow = 'id' | 'previous' | 'key' | 'none';

/** A desired tool with the owned remote entry that stands for it. */
export interface Match<D, R> {
  readonly desired: D;
  readonly remote: R | undefined;
  readonly how: MatchHow;
}

/**
 * Pairs desired tools with owned remote entries: by the action id, then by the retiring id of a
 * replace, then by key (a guide's label, an agent tool's name). Unpaired owned entries are
 * returned as `left` (to remove).
 */
export function matchEntries<D extends { readonly tool: string }, R>(
  desired: readonly D[],
  owned: readonly R[],
  refs: ToolRefs,
  keys: {
    readonly idOf: (r: R) => string;
    readonly remoteKey: (r: R) => string;
    readonly desiredKey: (d: D) => string;
  },
): { readonly matches: readonly Match<D, R>[]; readonly left: readonly R[] } {
  const free = new Set(owned);
  const take = (pred: (r: R) => boolean): R | undefined => {
    const found = [...free].find(pred);
    if (found !== undefined) free.delete(found);
    return found;
  };
  const byId = desired.map((d) => {
    const ref = refOf(refs, d.tool);
    return ref.id === undefined ? undefined : take((r) => keys.idOf(r) === ref.id);
  });
  const byPrevious = desired.map((d, i) => {
    if (byId[i] !== undefined) return undefined;
    const previous = refOf(refs, d.tool).previousId;
    return previous === undefined ? undefined : take((r) => keys.idOf(r) === previous);
  });
  const matches = desired.map((d, i): Match<D, R> => {
    const id = byId[i];
    if (id !== undefined) return { desired: d, remote: id, how: 'id' };
    const previous = byPrevious[i];
    if (previous !== undefined) return { desired: d, remote: previous, how: 'previous' };
    const key = take((r) => keys.remoteKey(r) === keys.desiredKey(d));
    return key === undefined
      ? { desired: d, remote: undefined, how: 'none' }
      : { desired: d, remote: key, how: 'key' };
  });
  return { matches, left: [...free] };
}
