/**
 * Plans and apply results for people (Terraform-like: `+`, `~`, `-/+`, `-`, a summary line) and
 * for machines (`--json`).
 */
import type { FieldDiff, JsonValue } from '../registry/index.js';
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

function renderChange(c: Change, scope: string): string[] {
  const diffs = (diff: readonly FieldDiff[]): string[] =>
    diff.map((d) => `      ${renderDiffLine(d)}`);
  switch (c.kind) {
    case 'create':
      return [`  + create ${c.name}`];
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
      return [];
  }
}

/** The summary line: `Plan: 1 to create, 0 to update, 1 to replace, 2 to delete, 3 unchanged.` */
export function renderSummaryLine(plan: Pick<Plan, 'changes'>): string {
  const s = summarisePlan(plan);
  const conflicts = s.conflict > 0 ? `, ${s.conflict} conflict${s.conflict === 1 ? '' : 's'}` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.unchanged} unchanged${conflicts}.`;
}

/** The plan for people, ending with a newline. */
export function renderPlan(plan: Plan): string {
  if (!hasChanges(plan)) {
    const n = plan.changes.length;
    return `No changes. ${n} tool${n === 1 ? '' : 's'} in ${plan.scope} (${plan.target}) match the files.\n`;
  }
  const lines = [
    `Changes to ${plan.scope} (${plan.target}):`,
    '',
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
  readonly diff?: readonly FieldDiff[];
  readonly warning?: string;
}

function changeJson(c: Change): ChangeJson {
  switch (c.kind) {
    case 'create':
      return { action: c.kind, name: c.name };
    case 'unchanged':
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
  summary: ReturnType<typeof summarisePlan>;
  changes: ChangeJson[];
} {
  return {
    target: plan.target,
    scope: plan.scope,
    fingerprint: plan.fingerprint,
    changed: hasChanges(plan),
    summary: summarisePlan(plan),
    changes: plan.changes.map(changeJson),
  };
}
