/**
 * Publish jobs of guide and agent versions (BINDINGS-WIRE.md; reference §6.1, §10.4: publish =
 * POST a job, then poll it). A job moves only when it is polled: it answers `InProgress` to
 * `publishPolls` GETs, then settles on its outcome, decided at that poll. No timers, so a test
 * sees every state in order and a job never finishes behind its back.
 */
import type { EmulatorContext } from './context.js';
import type { JobError, PublishJobRecord } from './binding-state.js';
import type { ActionRecord } from './state.js';

/** Where a job stands. */
export type JobState = PublishJobRecord['state'];

/** What a job publishes. */
export type JobTarget = PublishJobRecord['target'];

/** The message of a publish refused for its data actions (reference §6.1). */
export const INVALID_DATA_ACTIONS = 'There are invalid data actions in the version';

/**
 * The ids among `ids` that name no published data action, each once, in order. A draft-only
 * action cannot run, so it does not count. Pure.
 */
export function missingActionIds(
  actions: ReadonlyMap<string, ActionRecord>,
  ids: readonly string[],
): readonly string[] {
  return [...new Set(ids)].filter((id) => actions.get(id)?.published === undefined);
}

/**
 * The job's state after one more GET: `InProgress` while polls are left, then `Succeeded`, or
 * `Failed` with `invalid.data.actions` when a referenced action is missing. A settled job stays
 * as it is. Pure.
 */
export function advanceJob(
  state: JobState,
  missing: readonly string[],
  contextId: string,
): JobState {
  switch (state.status) {
    case 'Succeeded':
    case 'Failed':
      return state;
    case 'InProgress':
      if (state.pollsLeft > 0) return { status: 'InProgress', pollsLeft: state.pollsLeft - 1 };
      if (missing.length === 0) return { status: 'Succeeded' };
      return { status: 'Failed', errors: [invalidDataActions(missing, contextId)] };
  }
}

function invalidDataActions(missing: readonly string[], contextId: string): JobError {
  return {
    message: INVALID_DATA_ACTIONS,
    code: 'invalid.data.actions',
    status: 400,
    contextId,
    details: missing.map((id) => ({ errorCode: 'INVALID_DATA_ACTION', entityId: id })),
  };
}

/** Creates and stores a job in `InProgress` for `target`. */
export function startJob(ctx: EmulatorContext, target: JobTarget): PublishJobRecord {
  const job: PublishJobRecord = {
    id: ctx.newId(),
    target,
    state: { status: 'InProgress', pollsLeft: ctx.options.publishPolls },
    dateCreatedMs: ctx.deps.clock.nowMs(),
  };
  ctx.store.state.publishJobs.set(job.id, job);
  ctx.store.save();
  return job;
}

/**
 * Polls a job once: stores and returns its next state. `onSucceeded` runs once, at the poll
 * where the job succeeds (it marks the version published).
 */
export function pollJob(
  ctx: EmulatorContext,
  job: PublishJobRecord,
  poll: { readonly actionIds: readonly string[]; readonly contextId: string },
  onSucceeded: () => void,
): PublishJobRecord {
  const missing = missingActionIds(ctx.store.state.actions, poll.actionIds);
  const state = advanceJob(job.state, missing, poll.contextId);
  if (state === job.state) return job;
  const next: PublishJobRecord = { ...job, state };
  ctx.store.state.publishJobs.set(job.id, next);
  if (job.state.status === 'InProgress' && state.status === 'Succeeded') onSucceeded();
  ctx.store.save();
  return next;
}

/** The fields every job shows on the wire: `status` and `errors` (ErrorBodies). */
export function jobStatusWire(job: PublishJobRecord): {
  status: JobState['status'];
  errors: readonly JobError[];
} {
  return {
    status: job.state.status,
    errors: job.state.status === 'Failed' ? job.state.errors : [],
  };
}

/** The job with `jobId` publishing `versionId`, if it is one. */
export function findJob(
  ctx: EmulatorContext,
  jobId: string,
  matches: (target: JobTarget) => boolean,
): PublishJobRecord | undefined {
  const job = ctx.store.state.publishJobs.get(jobId);
  return job !== undefined && matches(job.target) ? job : undefined;
}

/** An epoch-milliseconds time as the wire's ISO string. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A query parameter given once as non-empty text, else undefined. */
export function textParam(
  query: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const value = query[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
