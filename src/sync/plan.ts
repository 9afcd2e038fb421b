/**
 * `planSync`: desired tools against the registrations in the managed scope, as a list of changes
 * (DESIGN "Tool → data action": replace, duplicates, conflicts and adoption). Pure.
 */
import { createHash } from 'node:crypto';
import type { TargetName } from '../definition/index.js';
import type { DesiredEntry, FieldDiff, RemoteEntry, SetupChange } from '../registry/index.js';
import type { DescriptionDrift } from './descriptions.js';
import { descriptionDrift } from './descriptions.js';
import {
  baseName,
  comparableText,
  diffJson,
  REPLACING_SUFFIX,
  SPEC_HEADER,
} from '../registry/index.js';

const DIGEST_PATH = `config.request.headers.${SPEC_HEADER}`;

/**
 * The digest header changes with every other change; shown alone it is the one update that
 * lets later plans settle an action from the listing (an action written before the header).
 */
function withoutImpliedDigest(diff: readonly FieldDiff[]): FieldDiff[] {
  const others = diff.filter((d) => d.path !== DIGEST_PATH);
  return others.length > 0 ? others : [...diff];
}

/** Why a managed registration is deleted. */
export type DeleteReason = 'prune' | 'duplicate' | 'destroy';

/** One change of a plan, discriminated by `kind`. */
export type Change =
  | { readonly kind: 'create'; readonly name: string; readonly desired: DesiredEntry }
  | {
      readonly kind: 'update';
      readonly name: string;
      readonly remote: RemoteEntry;
      readonly desired: DesiredEntry;
      readonly diff: readonly FieldDiff[];
      /** True when the registration is unmanaged and taken over (`--adopt`). */
      readonly adopt: boolean;
      /** Set when the files' descriptions differ from the contract's (kept as created). */
      readonly descriptions?: DescriptionDrift | undefined;
    }
  | {
      readonly kind: 'replace';
      readonly name: string;
      readonly remote: RemoteEntry;
      readonly desired: DesiredEntry;
      /** The differences; those under `fixed` are why it cannot be updated in place. */
      readonly diff: readonly FieldDiff[];
      readonly adopt: boolean;
    }
  | {
      readonly kind: 'delete';
      readonly name: string;
      readonly remote: RemoteEntry;
      readonly reason: DeleteReason;
    }
  | {
      readonly kind: 'conflict';
      readonly name: string;
      readonly remote: RemoteEntry;
      readonly desired: DesiredEntry;
    }
  | {
      readonly kind: 'unchanged';
      readonly name: string;
      readonly remote: RemoteEntry;
      /**
       * A managed registration no file defines, kept because `--prune` was not given. Not a
       * change, yet not "matching the files" either: shown and counted apart.
       */
      readonly notInFiles?: true;
      /** Set when the files' descriptions differ from the contract's (kept as created). */
      readonly descriptions?: DescriptionDrift | undefined;
    };

/** The kinds of change. */
export type ChangeKind = Change['kind'];

/** A plan: the changes, and a fingerprint of the remote state it was computed from. */
export interface Plan {
  readonly target: TargetName;
  readonly scope: string;
  readonly changes: readonly Change[];
  /** SHA-256 of the remote state seen; a saved plan is refused when it no longer matches. */
  readonly fingerprint: string;
  /**
   * What apply changes in the integration and its credential before the first write (the
   * registry's `preparation`); absent when apply writes nothing that needs them.
   */
  readonly setup?: readonly SetupChange[];
}

/** Options of `planSync`. */
export interface PlanOptions {
  readonly target: TargetName;
  readonly scope: string;
  /** Delete managed registrations that no file defines. */
  readonly prune?: boolean;
  /** Take over unmanaged registrations that carry a wanted name. */
  readonly adopt?: boolean;
  /** Plan the removal of everything managed (`destroy`); desired must be empty. */
  readonly destroy?: boolean;
}

/**
 * Counts of a plan by kind; `unchanged` counts the tools that match their files, `notInFiles`
 * the managed registrations no file defines (kept without `--prune`).
 */
export type PlanSummary = Readonly<Record<ChangeKind | 'notInFiles', number>>;

/** Groups by the tool name each registration stands for (a replace's new one included). */
function groupByName(entries: readonly RemoteEntry[]): Map<string, RemoteEntry[]> {
  const groups = new Map<string, RemoteEntry[]>();
  for (const e of entries) {
    const name = baseName(e.name);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [e]);
    else group.push(e);
  }
  return groups;
}

/**
 * The order in which one of several same-named registrations is kept when none matches the
 * files. Data actions carry no `dateModified` (reference §10.1), so: the one that carries the
 * replace suffix (the newer of an interrupted replace), then the last modified where the target
 * says, then the highest version, then the smallest id (a stable order).
 */
function newestFirst(a: RemoteEntry, b: RemoteEntry): number {
  const replacing =
    Number(b.name.endsWith(REPLACING_SUFFIX)) - Number(a.name.endsWith(REPLACING_SUFFIX));
  if (replacing !== 0) return replacing;
  const byTime = (b.modifiedAt ?? '').localeCompare(a.modifiedAt ?? '');
  if (byTime !== 0) return byTime;
  const byVersion = (b.version ?? 0) - (a.version ?? 0);
  return byVersion !== 0 ? byVersion : a.id.localeCompare(b.id);
}

function sameSpec(remote: RemoteEntry, desired: DesiredEntry): boolean {
  return (
    comparableText(remote.spec.fixed) === comparableText(desired.spec.fixed) &&
    comparableText(remote.spec.mutable) === comparableText(desired.spec.mutable)
  );
}

/** Keeps the registration that matches the files, else the newest; the others are duplicates. */
function pickKeeper(
  candidates: readonly RemoteEntry[],
  desired: DesiredEntry | undefined,
): { keep: RemoteEntry; duplicates: RemoteEntry[] } {
  const sorted = [...candidates].sort(newestFirst);
  const match = desired === undefined ? undefined : sorted.find((c) => sameSpec(c, desired));
  const keep = match ?? sorted[0];
  if (keep === undefined) throw new RangeError('pickKeeper needs at least one candidate');
  return { keep, duplicates: sorted.filter((c) => c !== keep) };
}

function compare(remote: RemoteEntry, desired: DesiredEntry, adopt: boolean): Change {
  const fixed = diffJson(remote.spec.fixed, desired.spec.fixed, 'fixed');
  const mutable = diffJson(remote.spec.mutable, desired.spec.mutable);
  // A replace's new registration keeps a temporary name until the old one is gone.
  const renamed: FieldDiff[] =
    remote.name === desired.name
      ? []
      : [{ path: 'name', before: remote.name, after: desired.name }];
  const diff = withoutImpliedDigest([
    ...fixed.map((d) => ({ ...d, path: d.path.slice('fixed.'.length) })),
    ...renamed,
    ...mutable,
  ]);
  const name = desired.name;
  if (fixed.length > 0) return { kind: 'replace', name, remote, desired, diff, adopt };
  const drift = descriptionDrift(remote, desired);
  const descriptions = drift === undefined ? {} : { descriptions: drift };
  if (diff.length > 0)
    return { kind: 'update', name, remote, desired, diff, adopt, ...descriptions };
  return { kind: 'unchanged', name, remote, ...descriptions };
}

function planDesired(
  desired: DesiredEntry,
  managed: readonly RemoteEntry[],
  unmanaged: readonly RemoteEntry[],
  adopt: boolean,
): Change[] {
  if (managed.length > 0) {
    const { keep, duplicates } = pickKeeper(managed, desired);
    return [
      compare(keep, desired, false),
      ...duplicates.map((remote): Change => ({
        kind: 'delete',
        name: desired.name,
        remote,
        reason: 'duplicate',
      })),
    ];
  }
  const other = [...unmanaged].sort(newestFirst)[0];
  if (other === undefined) return [{ kind: 'create', name: desired.name, desired }];
  if (adopt) return [compare(other, desired, true)];
  return [{ kind: 'conflict', name: desired.name, remote: other, desired }];
}

function planLeftover(
  name: string,
  managed: readonly RemoteEntry[],
  options: PlanOptions,
): Change[] {
  if (options.destroy === true || options.prune === true) {
    const reason: DeleteReason = options.destroy === true ? 'destroy' : 'prune';
    return [...managed]
      .sort(newestFirst)
      .map((remote) => ({ kind: 'delete', name, remote, reason }));
  }
  const { keep, duplicates } = pickKeeper(managed, undefined);
  return [
    { kind: 'unchanged', name, remote: keep, notInFiles: true },
    ...duplicates.map((remote): Change => ({ kind: 'delete', name, remote, reason: 'duplicate' })),
  ];
}

/**
 * SHA-256 over the remote entries (id, version, what the listing shows of each), in a stable
 * order; independent of which entries were read in full.
 */
export function remoteFingerprint(remote: readonly RemoteEntry[]): string {
  const lines = remote
    .map((r) => JSON.stringify([r.id, r.name, r.version ?? null, r.managed, r.fingerprint]))
    .sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Computes the changes that make the managed scope match `desired`.
 * @throws RangeError when `desired` names a tool twice (the definition room refuses that earlier).
 */
export function planSync(
  desired: readonly DesiredEntry[],
  remote: readonly RemoteEntry[],
  options: PlanOptions,
): Plan {
  const managed = groupByName(remote.filter((r) => r.managed));
  const unmanaged = groupByName(remote.filter((r) => !r.managed));
  const wanted = new Set<string>();
  const changes: Change[] = [];
  for (const d of [...desired].sort((a, b) => a.name.localeCompare(b.name))) {
    if (wanted.has(d.name)) throw new RangeError(`tool "${d.name}" is desired twice`);
    wanted.add(d.name);
    changes.push(
      ...planDesired(
        d,
        managed.get(d.name) ?? [],
        unmanaged.get(d.name) ?? [],
        options.adopt ?? false,
      ),
    );
  }
  for (const [name, entries] of [...managed].sort(([a], [b]) => a.localeCompare(b))) {
    if (!wanted.has(name)) changes.push(...planLeftover(name, entries, options));
  }
  changes.sort((a, b) => a.name.localeCompare(b.name));
  return {
    target: options.target,
    scope: options.scope,
    changes,
    fingerprint: remoteFingerprint(remote),
  };
}

/** Counts the changes of a plan by kind. */
export function summarisePlan(plan: Pick<Plan, 'changes'>): PlanSummary {
  const summary = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    conflict: 0,
    unchanged: 0,
    notInFiles: 0,
  };
  for (const c of plan.changes) {
    if (c.kind === 'unchanged' && c.notInFiles === true) summary.notInFiles += 1;
    else summary[c.kind] += 1;
  }
  return summary;
}

/** True when applying the plan would change something (conflicts count: they need action). */
export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => c.kind !== 'unchanged');
}
