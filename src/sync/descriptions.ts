/**
 * Descriptions that differ from the ones an action's contract was created with (issue 15 item
 * 12): they are not compared, so they neither replace nor update an action. `plan` says what
 * becomes of them: the tool's description reaches the model through the guides and agents that
 * bind the tool (they carry it); parameter and output descriptions live only in the contract.
 */
import type { DesiredEntry, RemoteEntry } from '../registry/index.js';
import type { Plan } from './plan.js';

/** Which descriptions of the files differ from the contract's. */
export interface DescriptionDrift {
  /** The tool's description (what guides and agents carry, unless they set their own). */
  readonly tool: boolean;
  /** Parameter and output field descriptions (carried by no guide or agent). */
  readonly fields: boolean;
}

/** Undefined when the descriptions agree (or the target does not digest them apart). */
export function descriptionDrift(
  remote: RemoteEntry,
  desired: DesiredEntry,
): DescriptionDrift | undefined {
  const before = remote.spec.descriptions;
  const after = desired.spec.descriptions;
  if (before === undefined || after === undefined) return undefined;
  const drift = { tool: before.tool !== after.tool, fields: before.fields !== after.fields };
  return drift.tool || drift.fields ? drift : undefined;
}

/** Tool name → the guides and agents of the config that bind it (`guide "Store assistant"`). */
export type BoundBy = ReadonlyMap<string, readonly string[]>;

/** One description note: which tool, which descriptions, and what becomes of them. */
export interface DescriptionNote {
  readonly tool: string;
  /** `tool`: the tool's description; `fields`: parameter and output descriptions. */
  readonly part: 'tool' | 'fields';
  /** `binding`: the model reads it through `boundBy`; `none`: no effect on the org for now. */
  readonly effect: 'binding' | 'none';
  readonly boundBy: readonly string[];
  readonly note: string;
}

const HEADING =
  "Descriptions that differ from the action's contract (a contract keeps the descriptions it was created with; a description never replaces an action):";

/** The description notes of a plan, in its order. */
export function descriptionNotes(plan: Pick<Plan, 'changes'>, boundBy: BoundBy): DescriptionNote[] {
  const notes: DescriptionNote[] = [];
  for (const c of plan.changes) {
    if ((c.kind !== 'unchanged' && c.kind !== 'update') || c.descriptions === undefined) continue;
    const by = boundBy.get(c.name) ?? [];
    if (c.descriptions.tool) {
      notes.push(
        by.length > 0
          ? {
              tool: c.name,
              part: 'tool',
              effect: 'binding',
              boundBy: by,
              note: `the model reads the tool description that ${by.join(', ')} ${by.length === 1 ? 'carries' : 'carry'}; apply publishes them when it changed (see "Guides and agents")`,
            }
          : {
              tool: c.name,
              part: 'tool',
              effect: 'none',
              boundBy: by,
              note: 'no effect on the org until the tool is bound to a guide or agent, or its action is replaced for another reason',
            },
      );
    }
    if (c.descriptions.fields) {
      notes.push({
        tool: c.name,
        part: 'fields',
        effect: 'none',
        boundBy: by,
        note: 'guides and agents carry only the tool description: no effect on the org until the action is replaced for another reason',
      });
    }
  }
  return notes;
}

/** The notes for people ('' when there are none), each line ending in a newline. */
export function renderDescriptionNotes(plan: Pick<Plan, 'changes'>, boundBy: BoundBy): string {
  const notes = descriptionNotes(plan, boundBy);
  if (notes.length === 0) return '';
  const lines = notes.map((n) => {
    const what = n.part === 'tool' ? 'tool description' : 'parameter/output descriptions';
    return `  ~ ${n.tool}: ${what} changed: ${n.note}\n`;
  });
  return `\n${HEADING}\n${lines.join('')}`;
}
