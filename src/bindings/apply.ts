/**
 * `applyBindings`: a new version for each guide and agent whose tools change, published and
 * followed to its end (BINDINGS-WIRE.md). The plan is recomputed with the concrete action ids
 * (the actions are applied first), so nothing is written when a binding already matches. A
 * failed write or publish is reported for every guide and agent at the end, so that the caller
 * stops before it deletes the actions they still name (issue 13 item 3).
 */
import { BindingError, isGenesysToolsError } from '../errors.js';
import type { PublishJobWire } from '../genesys/index.js';
import { jobOutcome } from '../genesys/index.js';
import { agentDefinition, guideVersionBody } from './content.js';
import type { AgentPlan, BindingsPlan, GuidePlan } from './plan.js';
import { planAgent, planGuide } from './plan.js';
import type { BindingsClient } from './remote.js';
import type { ToolRefs } from './types.js';

/** What happens to one guide or agent during apply. */
export type BindingProgress =
  | {
      readonly status: 'started';
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly id: string;
    }
  | {
      /** The publish job was read and is still running (each read after the first). */
      readonly status: 'publishing';
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly id: string;
      readonly jobId: string;
      readonly jobStatus: string;
    }
  | {
      readonly status: 'published';
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly id: string;
      readonly versionId: string;
    }
  | {
      readonly status: 'unchanged';
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly id: string;
    }
  | {
      readonly status: 'failed';
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly id: string;
      readonly error: string;
    };

/** Options of `applyBindings`. */
export interface ApplyBindingsOptions {
  /** Tool → action, with the ids of the actions created by this apply. */
  readonly refs: ToolRefs;
  readonly signal?: AbortSignal;
  /** Total wait for each publish job; default 120,000 ms. */
  readonly maxWaitMs?: number;
  readonly onProgress?: (event: BindingProgress) => void;
}

/** The outcome of one guide or agent. */
export interface BindingOutcome {
  readonly kind: 'guide' | 'agent';
  readonly name: string;
  readonly id: string;
  readonly status: 'published' | 'unchanged';
  /** The published version, when one was written. */
  readonly versionId?: string;
}

function reason(error: unknown): string {
  if (isGenesysToolsError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Reports each read of a publish job that is still running. */
function polled(
  p: { readonly kind: 'guide' | 'agent'; readonly name: string; readonly id: string },
  options: ApplyBindingsOptions,
): (job: PublishJobWire) => void {
  return (job) => {
    if (jobOutcome(job.status) !== 'running') return;
    options.onProgress?.({
      status: 'publishing',
      kind: p.kind,
      name: p.name,
      id: p.id,
      jobId: job.id,
      jobStatus: job.status,
    });
  };
}

async function publishGuide(
  client: BindingsClient,
  p: GuidePlan,
  options: ApplyBindingsOptions,
  managedIds: ReadonlySet<string>,
): Promise<string> {
  const body = guideVersionBody(p.desired, p.remote, options.refs, managedIds);
  const call = options.signal === undefined ? {} : { signal: options.signal };
  const version = await client.guides.createVersion(p.id, body, call);
  await client.guides.publish(p.id, version.id, {
    ...call,
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    onPoll: polled(p, options),
  });
  return version.id;
}

async function publishAgent(
  client: BindingsClient,
  p: AgentPlan,
  options: ApplyBindingsOptions,
  managedIds: ReadonlySet<string>,
): Promise<string> {
  const definition = agentDefinition(p.desired, p.remote, options.refs, managedIds);
  const call = options.signal === undefined ? {} : { signal: options.signal };
  const version = await client.agents.createVersion(p.id, { definition }, call);
  await client.agents.publish(p.id, version.id, {
    ...call,
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    onPoll: polled(p, options),
  });
  return version.id;
}

/**
 * Writes and publishes every guide and agent of `plan` that changes with the concrete `refs`.
 * @throws BindingError BINDING_PUBLISH_FAILED naming each guide/agent that failed, the job's
 *   errors and the fix, after trying all of them; an aborted signal's reason as it is.
 */
export async function applyBindings(
  client: BindingsClient,
  plan: BindingsPlan,
  options: ApplyBindingsOptions,
): Promise<readonly BindingOutcome[]> {
  const targets = [
    ...plan.guides.map((p) => planGuide(p.desired, p.remote, options.refs, plan.managedIds)),
    ...plan.agents.map((p) => planAgent(p.desired, p.remote, options.refs, plan.managedIds)),
  ];
  const outcomes: BindingOutcome[] = [];
  const failures: { kind: string; name: string; id: string; error: string }[] = [];
  for (const p of targets) {
    const who = { kind: p.kind, name: p.name, id: p.id };
    if (p.changes.length === 0) {
      options.onProgress?.({ status: 'unchanged', ...who });
      outcomes.push({ ...who, status: 'unchanged' });
      continue;
    }
    options.onProgress?.({ status: 'started', ...who });
    try {
      const versionId =
        p.kind === 'guide'
          ? await publishGuide(client, p, options, plan.managedIds)
          : await publishAgent(client, p, options, plan.managedIds);
      options.onProgress?.({ status: 'published', ...who, versionId });
      outcomes.push({ ...who, status: 'published', versionId });
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      const text = reason(error);
      options.onProgress?.({ status: 'failed', ...who, error: text });
      failures.push({ ...who, error: text });
    }
  }
  if (failures.length > 0) {
    const list = failures.map((f) => `${f.kind} "${f.name}" (${f.id}): ${f.error}`).join('; ');
    throw new BindingError(
      'BINDING_PUBLISH_FAILED',
      `${list}. Fix the cause, then run apply again: the old actions are kept until every guide and agent names the new ones, so a rerun converges.`,
      { details: { failures, outcomes } },
    );
  }
  return outcomes;
}
