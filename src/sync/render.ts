/**
 * Plans and apply results for people (Terraform-like: `+`, `~`, `-/+`, `-`, a summary line) and
 * for machines (`--json`).
 */
import type { DesiredEntry, FieldDiff, JsonValue, SetupChange } from '../registry/index.js';
import { SPEC_HEADER, THIS_INTEGRATION } from '../registry/index.js';
import type { DescriptionDrift } from './descriptions.js';
import type { Change, Plan } from './plan.js';
import { hasChanges, summarisePlan } from './plan.js';

const MAX_VALUE_CHARS = 80;

function value(v: JsonValue): string {
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

/** One diff line: `+ path: new`, `- path: old` or `~ path: old -> new`. */
export function renderDiffLine(d: FieldDiff): string {
  if (d.before === undefined) return `+ ${d.path}: ${value(d.after ?? null)}`;
  if (d.after === undefined) return `- ${d.path}: ${value(d.before)}`;
  return `~ ${d.path}: ${value(d.before)} -> ${value(d.after)}`;
}

function ref(id: string, version: number | undefined): string {
  return version === undefined ? `id ${id}` : `id ${id}, version ${version}`;
}

/**
 * The attributes of a create, as `+ path: value` lines: the contract (`fixed`) and the rest
 * (`mutable`). The spec digest header is left out: it is our bookkeeping, not a setting.
 */
function createAttributes(desired: DesiredEntry): FieldDiff[] {
  return [...leaves(desired.spec.fixed, ''), ...leaves(desired.spec.mutable, '')].filter(
    (d) => d.path !== `config.request.headers.${SPEC_HEADER}`,
  );
}

function isJsonObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every leaf of a value (arrays are leaves), as additions at their dotted path. */
function leaves(value: JsonValue, path: string): FieldDiff[] {
  if (!isJsonObject(value)) return [{ path, after: value }];
  return Object.entries(value)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([k, child]) => leaves(child, path === '' ? k : `${path}.${k}`));
}

/**
 * A create's integration id is the registry's integration, which apply finds or, when there is
 * none, creates with its credential first (registry `prepare`); plan does not write, so it names it.
 */
const NEW_INTEGRATION =
  'the integration of this registry; apply creates it and its credential first when there is none';

function attributeLine(d: FieldDiff): string {
  if (d.path === 'integrationId' && (d.after === '' || d.after === THIS_INTEGRATION))
    return `+ integrationId: (${NEW_INTEGRATION})`;
  return renderDiffLine(d);
}

function renderChange(c: Change, scope: string): string[] {
  const diffs = (diff: readonly FieldDiff[]): string[] =>
    diff.map((d) => `      ${renderDiffLine(d)}`);
  switch (c.kind) {
    case 'create':
      // Everything apply will write, as Terraform lists a create's attributes.
      return [
        `  + create ${c.name}`,
        ...createAttributes(c.desired).map((d) => `      ${attributeLine(d)}`),
      ];
    case 'update':
      return [
        `  ~ update ${c.name} (${ref(c.remote.id, c.remote.version)})${c.adopt ? ' (adopt)' : ''}`,
        ...diffs(c.diff),
      ];
    case 'replace':
      return [
        `-/+ replace ${c.name} (${ref(c.remote.id, c.remote.version)})${c.adopt ? ' (adopt)' : ''}`,
        ...diffs(c.diff),
        `      ! the id changes: re-point AI Guides, agents and flows that use ${c.remote.id} (needs --allow-replace)`,
      ];
    case 'delete': {
      const why = c.reason === 'duplicate' ? ` (duplicate of ${c.name})` : '';
      return [`  - delete ${c.name} (${ref(c.remote.id, c.remote.version)})${why}`];
    }
    case 'conflict':
      return [
        `  ! conflict ${c.name} (id ${c.remote.id}): it exists outside ${scope}; rename the tool, remove the other one, or take it over with --adopt`,
      ];
    case 'unchanged':
      return c.notInFiles === true
        ? [`  = ${c.name} (${ref(c.remote.id, c.remote.version)}): ${NOT_IN_FILES}`]
        : [];
  }
}

/** What a managed registration without a file is, in plan output. */
const NOT_IN_FILES = 'not in the files (kept; --prune deletes)';

const SETUP_SYMBOL: Readonly<Record<SetupChange['action'], string>> = {
  create: '+',
  update: '~',
  enable: '~',
};

/** A change of the integration or its credential: `  + create credential "x" (note)`. */
function renderSetup(c: SetupChange): string {
  return `  ${SETUP_SYMBOL[c.action]} ${c.action} ${c.what} "${c.name}" (${c.note})`;
}

/** `; integration and credential: 2 to create, 1 to update` when apply changes them. */
function setupSummary(setup: readonly SetupChange[] | undefined): string {
  if (setup === undefined || setup.length === 0) return '';
  const n = (action: SetupChange['action']): number =>
    setup.filter((c) => c.action === action).length;
  const parts = [
    ...(n('create') > 0 ? [`${n('create')} to create`] : []),
    ...(n('update') > 0 ? [`${n('update')} to update`] : []),
    ...(n('enable') > 0 ? [`${n('enable')} to enable`] : []),
  ];
  return `; integration and credential: ${parts.join(', ')}`;
}

/**
 * The summary line: `Plan: 1 to create, 0 to update, 1 to replace, 2 to delete, 3 unchanged.`,
 * and `, 1 not in the files (kept; --prune deletes)` when some are, then the integration and
 * credential changes when there are some.
 */
export function renderSummaryLine(plan: Pick<Plan, 'changes' | 'setup'>): string {
  const s = summarisePlan(plan);
  const conflicts = s.conflict > 0 ? `, ${s.conflict} conflict${s.conflict === 1 ? '' : 's'}` : '';
  const kept = s.notInFiles > 0 ? `, ${s.notInFiles} ${NOT_IN_FILES}` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.unchanged} unchanged${conflicts}${kept}${setupSummary(plan.setup)}.`;
}

function renderNoChanges(plan: Plan): string {
  const s = summarisePlan(plan);
  const n = s.unchanged;
  const where = `in ${plan.scope} (${plan.target})`;
  const head = `No changes. ${n} tool${n === 1 ? '' : 's'} ${where} ${n === 1 ? 'matches' : 'match'} the files.\n`;
  if (s.notInFiles === 0) return head;
  const kept = plan.changes.flatMap((c) => renderChange(c, plan.scope));
  const count = `${s.notInFiles} managed tool${s.notInFiles === 1 ? ' is' : 's are'} ${NOT_IN_FILES}:`;
  return `${head}${count}\n${kept.join('\n')}\n`;
}

/** The plan for people, ending with a newline. */
export function renderPlan(plan: Plan): string {
  if (!hasChanges(plan)) return renderNoChanges(plan);
  const lines = [
    `Changes to ${plan.scope} (${plan.target}):`,
    '',
    ...(plan.setup ?? []).map(renderSetup),
    ...plan.changes.flatMap((c) => renderChange(c, plan.scope)),
    '',
    renderSummaryLine(plan),
  ];
  return `${lines.join('\n')}\n`;
}

/** One change for machines. */
export interface ChangeJson {
  readonly action: Change['kind'];
  readonly name: string;
  readonly id?: string;
  readonly version?: number;
  readonly reason?: string;
  readonly adopt?: boolean;
  /** An unchanged registration that no file defines (kept without --prune). */
  readonly notInFiles?: boolean;
  readonly diff?: readonly FieldDiff[];
  /** What a create writes, one leaf per entry. */
  readonly attributes?: readonly FieldDiff[];
  readonly warning?: string;
  /** Descriptions of the files that differ from the contract's, which keeps its own (not a change). */
  readonly descriptions?: DescriptionDrift;
}

function changeJson(c: Change): ChangeJson {
  switch (c.kind) {
    case 'create':
      return { action: c.kind, name: c.name, attributes: createAttributes(c.desired) };
    case 'unchanged':
      return {
        action: c.kind,
        name: c.name,
        id: c.remote.id,
        ...version(c.remote.version),
        ...(c.notInFiles === true ? { notInFiles: true, reason: NOT_IN_FILES } : {}),
        ...(c.descriptions === undefined ? {} : { descriptions: c.descriptions }),
      };
    case 'conflict':
      return { action: c.kind, name: c.name, id: c.remote.id, ...version(c.remote.version) };
    case 'delete':
      return {
        action: c.kind,
        name: c.name,
        id: c.remote.id,
        ...version(c.remote.version),
        reason: c.reason,
      };
    case 'update':
    case 'replace':
      return {
        action: c.kind,
        name: c.name,
        id: c.remote.id,
        ...version(c.remote.version),
        adopt: c.adopt,
        diff: c.diff,
        ...(c.kind === 'update' && c.descriptions !== undefined
          ? { descriptions: c.descriptions }
          : {}),
        ...(c.kind === 'replace'
          ? {
              warning: `the id changes: re-point AI Guides, agents and flows that use ${c.remote.id}`,
            }
          : {}),
      };
  }
}

function version(v: number | undefined): { version?: number } {
  return v === undefined ? {} : { version: v };
}

/** The plan for machines (`plan --json`). */
export function planToJson(plan: Plan): {
  target: string;
  scope: string;
  fingerprint: string;
  changed: boolean;
  summary: ReturnType<typeof summarisePlan> & { setup?: number };
  changes: ChangeJson[];
  setup?: readonly SetupChange[];
} {
  const setup = plan.setup ?? [];
  return {
    target: plan.target,
    scope: plan.scope,
    fingerprint: plan.fingerprint,
    changed: hasChanges(plan) || setup.length > 0,
    summary: { ...summarisePlan(plan), ...(setup.length > 0 ? { setup: setup.length } : {}) },
    changes: plan.changes.map(changeJson),
    ...(setup.length > 0 ? { setup } : {}),
  };
}
