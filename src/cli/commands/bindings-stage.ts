/**
 * The guides and agents of the config file as a stage of `plan` and `apply` (issue 13): planned
 * after the actions (with the ids the actions plan gives them), applied between the action writes
 * and the deletes, so that no guide or agent ever names a deleted action.
 */
import type {
  BindingProgress,
  BindingsPlan,
  Consumer,
  RemoteBindings,
  ToolRef,
} from '../../bindings/index.js';
import {
  applyBindings,
  assertBindingsValid,
  bindingsPlanToJson,
  findConsumers,
  hasBindingChanges,
  planBindings,
  readRemoteBindings,
  renderBindingsPlan,
  resolveBindings,
} from '../../bindings/index.js';
import type { ToolDefinition } from '../../definition/index.js';
import type { BoundBy, Plan } from '../../sync/index.js';
import { PROGRESS_AFTER_MS, renderDescriptionNotes } from '../../sync/index.js';
import type { Clock } from '../../deps.js';
import type { CliContext } from '../context.js';
import type { ProgressSink } from '../progress.js';
import type { SyncSession } from './sync-common.js';

/** Something outside this config that uses an action a plan replaces or deletes. */
export interface OutsideUse {
  readonly tool: string;
  readonly actionId: string;
  readonly consumers: readonly Consumer[];
}

/** The bindings part of a plan. */
export interface BindingsStage {
  readonly plan: BindingsPlan;
  readonly remote: RemoteBindings;
  readonly outside: readonly OutsideUse[];
}

/** Tool → action as the actions plan leaves it (ids of creates and replaces are not known yet). */
export function refsOf(plan: Plan): Map<string, ToolRef> {
  const refs = new Map<string, ToolRef>();
  for (const c of plan.changes) {
    if (c.kind === 'create') refs.set(c.name, { id: undefined, state: 'new' });
    if (c.kind === 'update' || c.kind === 'unchanged') {
      refs.set(c.name, { id: c.remote.id, state: 'existing' });
    }
    if (c.kind === 'replace') {
      refs.set(c.name, { id: undefined, state: 'replaced', previousId: c.remote.id });
    }
  }
  return refs;
}

/** Ids of every managed action the plan saw (duplicates and deletions included). */
function managedIds(plan: Plan): Set<string> {
  const ids = new Set<string>();
  for (const c of plan.changes) if (c.kind !== 'create' && c.remote.managed) ids.add(c.remote.id);
  return ids;
}

/**
 * Plans the config's guides and agents, and lists who else uses each action a replace or delete
 * removes. Undefined when the config binds nothing (or the target is not data actions).
 * @throws BindingError BINDING_INVALID, BINDING_TARGET_NOT_FOUND, BINDING_TARGET_AMBIGUOUS
 */
export async function planBindingsStage(
  ctx: CliContext,
  session: SyncSession,
  tools: readonly ToolDefinition[],
  plan: Plan,
): Promise<BindingsStage | undefined> {
  const file = session.file;
  if (session.target !== 'data-actions' || file === undefined) return undefined;
  if (file.guides.length === 0 && file.agents.length === 0) return undefined;
  const { desired, issues } = await resolveBindings(file, tools, ctx.cwd);
  for (const i of issues.filter((x) => x.severity === 'warning')) {
    ctx.stderr(`warning ${i.code}: ${i.file} ${i.pointer}: ${i.message}\n`);
  }
  assertBindingsValid(issues);
  const signal = ctx.stopSignal;
  const remote = await readRemoteBindings(session.client, desired, signal);
  const bindingsPlan = planBindings(desired, remote, refsOf(plan), managedIds(plan));
  const removed = plan.changes.filter((c) => c.kind === 'replace' || c.kind === 'delete');
  const outside: OutsideUse[] = [];
  for (const c of removed) {
    if (c.kind !== 'replace' && c.kind !== 'delete') continue;
    const consumers = await findConsumers(session.client, c.remote.id, remote, signal);
    if (consumers.length > 0) outside.push({ tool: c.name, actionId: c.remote.id, consumers });
  }
  return { plan: bindingsPlan, remote, outside };
}

function consumerText(c: Consumer): string {
  const what = c.type === 'GUIDE' ? 'guide' : c.type === 'VIRTUALAGENT' ? 'agent' : c.type;
  const versions = c.versions.length === 0 ? '' : ` (version ${c.versions.join(', ')})`;
  return `${what} "${c.name ?? c.id}"${versions}`;
}

/** The plan lines of the stage: one per guide and agent, then what this config cannot re-point. */
export function renderBindingsStage(stage: BindingsStage): string {
  const lines = [`\nGuides and agents:\n${renderBindingsPlan(stage.plan)}`];
  for (const o of stage.outside) {
    lines.push(
      `  ! ${o.tool} (id ${o.actionId}) is also used outside this config by ${o.consumers
        .map(consumerText)
        .join(', ')}: re-point them by hand (flows in Architect) after the new id exists\n`,
    );
  }
  return lines.join('');
}

/** The stage in `plan --json`. */
export function bindingsStageJson(stage: BindingsStage | undefined): unknown {
  if (stage === undefined) return undefined;
  return {
    ...bindingsPlanToJson(stage.plan),
    outside: stage.outside.map((o) => ({
      tool: o.tool,
      actionId: o.actionId,
      consumers: o.consumers,
    })),
  };
}

/** Tool name → the guides and agents of the config that bind it (empty without a stage). */
export function boundByOf(stage: BindingsStage | undefined): BoundBy {
  const out = new Map<string, string[]>();
  const add = (tool: string, what: string): void => {
    out.set(tool, [...(out.get(tool) ?? []), what]);
  };
  for (const g of stage?.plan.guides ?? []) {
    for (const t of g.desired.tools) add(t.tool, `guide "${g.name}"`);
  }
  for (const a of stage?.plan.agents ?? []) {
    for (const t of a.desired.tools) add(t.tool, `agent "${a.name}"`);
  }
  return out;
}

/**
 * The plan for people after the actions: the description notes (issue 15 item 12), then the
 * guides and agents.
 */
export function renderAfterActions(plan: Plan, stage: BindingsStage | undefined): string {
  const notes = renderDescriptionNotes(plan, boundByOf(stage));
  return `${notes}${stage === undefined ? '' : renderBindingsStage(stage)}`;
}

/** True when the stage would write something. */
export function stageHasChanges(stage: BindingsStage | undefined): boolean {
  return stage !== undefined && hasBindingChanges(stage.plan);
}

function progressLine(e: Exclude<BindingProgress, { status: 'publishing' }>): string {
  const what = `${e.kind} "${e.name}"`;
  switch (e.status) {
    case 'started':
      return `  ~ ${what}: writing a new version and publishing it`;
    case 'published':
      return `  ~ ${what}: published (version ${e.versionId})`;
    case 'unchanged':
      return `  = ${what}: no changes`;
    case 'failed':
      return `  ! ${what}: failed: ${e.error}`;
  }
}

/**
 * The `beforeRemovals` hook of `applyPlan`: re-points and publishes the guides and agents with
 * the ids the actions now have. A publish job still running is a wait: it goes to `sink`.
 */
export function bindingsHook(
  ctx: CliContext,
  session: SyncSession,
  stage: BindingsStage,
  planned: Plan,
  output: { readonly json: boolean; readonly sink: ProgressSink; readonly clock: Clock },
): (ids: ReadonlyMap<string, string>) => Promise<void> {
  const { sink, clock } = output;
  const write = output.json ? ctx.stderr : ctx.stdout;
  const startedMs = new Map<string, number>();
  const told = new Set<string>();
  const onProgress = (e: BindingProgress): void => {
    const key = `publish:${e.kind}:${e.id}`;
    if (e.status === 'publishing') {
      const elapsedMs = clock.nowMs() - (startedMs.get(key) ?? clock.nowMs());
      // Like every polling wait, a job is shown once it has taken a second.
      if (elapsedMs < PROGRESS_AFTER_MS) return;
      told.add(key);
      sink.onProgress({
        type: 'publish-job',
        key,
        kind: e.kind,
        name: e.name,
        jobId: e.jobId,
        status: e.jobStatus,
        elapsedMs,
      });
      return;
    }
    if (e.status === 'started') startedMs.set(key, clock.nowMs());
    else if (told.delete(key)) sink.onProgress({ type: 'waited', key });
    sink.clear();
    write(`${progressLine(e)}\n`);
  };
  return async (ids) => {
    const refs = new Map<string, ToolRef>();
    for (const [name, ref] of refsOf(planned)) {
      refs.set(name, { ...ref, id: ids.get(name) ?? ref.id });
    }
    await applyBindings(session.client, stage.plan, { refs, signal: ctx.stopSignal, onProgress });
  };
}
