/**
 * The bindings part of `plan`: one line per guide and agent, and the same as JSON for
 * `plan --json` (issue 13 item 2).
 */
import type { AgentPlan, BindingChange, BindingsPlan, GuidePlan } from './plan.js';

/** One change as plan shows it: `+ order_status`, `~ check_inventory (id changes: replaced)`. */
export function renderBindingChange(change: BindingChange): string {
  switch (change.kind) {
    case 'add':
      return `+ ${change.tool}${change.id === undefined ? ' (new)' : ''}`;
    case 'remove':
      return `- ${change.tool}`;
    case 'repoint':
      return `~ ${change.tool} (id changes${change.reason === 'replaced' ? ': replaced' : ''})`;
    case 'update':
      return `~ ${change.tool} (${change.fields.join(', ')})`;
    case 'instruction':
      return '~ instruction';
  }
}

function keptNote(count: number): string {
  if (count === 0) return '';
  return ` (keeps ${String(count)} action${count === 1 ? '' : 's'} not managed here)`;
}

/** The line of one guide or agent. */
export function renderBindingLine(p: GuidePlan | AgentPlan): string {
  const what = `${p.kind} "${p.name}"`;
  const kept = keptNote(p.foreign.length);
  if (p.changes.length === 0) return `= ${what}: no changes${kept}`;
  return `~ ${what}: ${p.changes.map(renderBindingChange).join(', ')}${kept}`;
}

/** Every guide and agent line, each ending in a newline ('' when none is configured). */
export function renderBindingsPlan(plan: BindingsPlan): string {
  return [...plan.guides, ...plan.agents].map((p) => `${renderBindingLine(p)}\n`).join('');
}

/** A change as `plan --json` carries it. */
export type BindingChangeJson = BindingChange;

/** A guide or agent as `plan --json` carries it. */
export interface BindingTargetJson {
  readonly kind: 'guide' | 'agent';
  readonly name: string;
  readonly id: string;
  readonly changes: readonly BindingChangeJson[];
  /** Ids of the entries not managed here, kept as they are. */
  readonly kept: readonly string[];
}

/** The bindings part of `plan --json`. */
export function bindingsPlanToJson(plan: BindingsPlan): {
  readonly guides: readonly BindingTargetJson[];
  readonly agents: readonly BindingTargetJson[];
} {
  return {
    guides: plan.guides.map((p) => ({
      kind: p.kind,
      name: p.name,
      id: p.id,
      changes: p.changes,
      kept: p.foreign.map((e) => e.id),
    })),
    agents: plan.agents.map((p) => ({
      kind: p.kind,
      name: p.name,
      id: p.id,
      changes: p.changes,
      kept: p.foreign.map((t) => t.target?.id ?? ''),
    })),
  };
}
