/**
 * What an apply refuses before it starts, and how its outcome is reported (the SyncErrors of
 * `applyPlan`).
 */
import { isGenesysToolsError, SyncError } from '../errors.js';
import type { ApplyResult, ChangeEvent, Outcome } from './apply-types.js';
import type { Plan } from './plan.js';

/**
 * Refuses, before anything is touched, a plan with conflicts or with replaces not allowed.
 * @throws SyncError SYNC_UNMANAGED_CONFLICT, SYNC_REPLACE_NOT_ALLOWED
 */
export function assertApplicable(plan: Plan, options: { readonly allowReplace: boolean }): void {
  const conflicts = plan.changes.filter((c) => c.kind === 'conflict');
  if (conflicts.length > 0) {
    throw new SyncError(
      'SYNC_UNMANAGED_CONFLICT',
      `${conflicts.map((c) => `"${c.name}"`).join(', ')} already exist outside ${plan.scope}; nothing was changed. Rename the tools, remove the other registrations, or take them over with --adopt.`,
      { details: { tools: conflicts.map((c) => ({ name: c.name, id: c.remote.id })) } },
    );
  }
  const replaces = plan.changes.filter((c) => c.kind === 'replace');
  if (replaces.length > 0 && !options.allowReplace) {
    throw new SyncError(
      'SYNC_REPLACE_NOT_ALLOWED',
      `the plan replaces ${replaces.map((c) => `"${c.name}" (id ${c.remote.id})`).join(', ')}: their contracts changed and Genesys cannot update a contract in place, so each gets a new id; the guides and agents of the config file are re-pointed, but flows and anything else that uses the old id are not (plan lists them); nothing was changed. Re-run with --allow-replace once you are ready to re-point those.`,
      {
        details: {
          tools: replaces.map((c) => ({
            name: c.name,
            id: c.remote.id,
            fields: c.diff.map((d) => d.path),
          })),
        },
      },
    );
  }
}

export function errorInfo(error: unknown): { code: string; message: string } {
  if (isGenesysToolsError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/** Counts and failures of the events, as the SyncErrors' details carry them. */
export function summary(events: readonly ChangeEvent[]) {
  const count = (o: Outcome): number => events.filter((e) => e.outcome === o).length;
  return {
    applied: count('applied'),
    failed: count('failed'),
    skipped: count('skipped'),
    failures: events
      .filter((e) => e.outcome === 'failed')
      .map((e) => ({ name: e.name, action: e.kind, ...e.error })),
  };
}

/**
 * The result, or the SyncError that says what was done.
 * @throws SyncError SYNC_ABORTED, SYNC_APPLY_STOPPED, SYNC_APPLY_FAILED
 */
export function finish(
  events: readonly ChangeEvent[],
  total: number,
  ids: ReadonlyMap<string, string>,
  end: { readonly aborted: boolean; readonly stopped: { readonly cause: unknown } | undefined },
): ApplyResult {
  const details = summary(events);
  const result = {
    events,
    applied: details.applied,
    failed: details.failed,
    skipped: details.skipped,
    ids,
  };
  if (end.stopped !== undefined) {
    const applied = events.filter((e) => e.outcome === 'applied');
    const cause = errorInfo(end.stopped.cause);
    throw new SyncError(
      'SYNC_APPLY_STOPPED',
      `apply stopped because recording a change failed (${cause.code}: ${cause.message}); the changes in flight finished, no new one was started: ${result.applied} of ${total} applied${
        applied.length === 0
          ? ''
          : ` (${applied
              .slice(0, 10)
              .map((e) => `${e.kind} "${e.name}"`)
              .join(', ')}${applied.length > 10 ? ', ...' : ''})`
      }, ${result.failed} failed, ${result.skipped} not done. Fix the cause and run apply again: it converges.`,
      {
        cause: end.stopped.cause,
        details: {
          ...details,
          applied: applied.map((e) => ({
            name: e.name,
            action: e.kind,
            id: e.remoteId ?? e.previousId,
          })),
        },
      },
    );
  }
  if (end.aborted) {
    throw new SyncError(
      'SYNC_ABORTED',
      `apply interrupted: ${result.applied} of ${total} changes applied, ${result.skipped} not done; run apply again to finish`,
      { details },
    );
  }
  if (result.failed > 0) {
    const failed = events.filter((e) => e.outcome === 'failed');
    throw new SyncError(
      'SYNC_APPLY_FAILED',
      `${result.failed} of ${total} changes failed (${failed
        .slice(0, 5)
        .map((e) => `${e.kind} "${e.name}": ${e.error?.code ?? 'error'}`)
        .join(
          '; ',
        )}${result.failed > 5 ? '; ...' : ''}); ${result.applied} applied. Run apply again to complete the job.`,
      { details },
    );
  }
  return result;
}
