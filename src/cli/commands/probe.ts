/**
 * `genesys-tools doctor --probe`: a first run against a real org (issue 12 item 5, reference
 * §10.5). It creates a scratch integration and scratch actions, asks the platform the questions
 * the reference leaves open, and deletes everything it created: at the end, on a failure, and
 * when the process is asked to stop (Ctrl-C / SIGTERM abort `ctx.stopSignal`).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../deps.js';
import type { GenesysClient } from '../../genesys/index.js';
import {
  probeActionBody,
  probeActionName,
  PROBE_CATEGORY,
  PROBE_INTEGRATION_NAME,
} from './probe-body.js';
import type { ProbeCheck, ProbeFinding, ProbeReport } from './probe-report.js';
import { describeError, PROBE_CHECKS, statusOf } from './probe-report.js';
import type { ProbeRun } from './probe-steps.js';
import { stepLimits, stepPaging } from './probe-listing.js';
import { stepReadBack, stepTemplateFiles } from './probe-readback.js';
import {
  stepCreate,
  stepIntegration,
  stepSameName,
  stepTest,
  stepTypeList,
  waitUntilActive,
} from './probe-steps.js';

/** What a probe run needs besides the client. */
export interface ProbeOptions {
  /** Where the scratch action points; `https://example.invalid/probe` when undefined. */
  readonly executionUrl: string | undefined;
  readonly clock: Clock;
  /** Aborted when the process is asked to stop: the probe then cleans up and ends. */
  readonly signal: AbortSignal;
  /** One progress line (creations, cleanup); the table is returned, not written. */
  readonly progress: (line: string) => void;
  /** Suffix of the scratch names; random when absent. */
  readonly suffix?: string;
  /** Bound of the cleanup, which runs on its own signal (the stop signal may have fired). */
  readonly cleanupTimeoutMs?: number;
}

/** Runs the probe; never throws for a finding, and always tries to delete what it created. */
export async function runProbe(client: GenesysClient, options: ProbeOptions): Promise<ProbeReport> {
  const actionName = probeActionName(options.suffix ?? randomBytes(4).toString('hex'));
  const findings = new Map<ProbeCheck, ProbeFinding>();
  const run: ProbeRun = {
    client,
    clock: options.clock,
    signal: options.signal,
    actionName,
    executionUrl: options.executionUrl,
    marker: `probe-${actionName.slice(-8)}`,
    progress: options.progress,
    record: (check, finding) => findings.set(check, { check, ...finding }),
    created: new Set<string>(),
    ownsIntegration: false,
    integrationNotes: [],
  };
  let stoppedBy: string | undefined;
  let interrupted = false;
  try {
    await fatal(run, 'integration', () => stepIntegration(run));
    const integrationId = run.integration?.id ?? '';
    const body = probeActionBody({
      name: actionName,
      integrationId,
      executionUrl: options.executionUrl,
    });
    await fatal(run, 'create action', () => stepCreate(run, body));
    const id = run.actionId ?? '';
    await attempt(run, 'read back: templates inline', () => stepReadBack(run, id, body));
    await attempt(run, 'read back: template files', () => stepTemplateFiles(run, id, body));
    await attempt(run, 'integration', () => waitUntilActive(run));
    await attempt(run, 'test: rawRequest', () => stepTest(run, id));
    await attempt(run, 'type-list input', () => stepTypeList(run, body));
    await attempt(run, 'same name twice', () => stepSameName(run, body));
    await attempt(run, 'paging pageSize=1', () => stepPaging(run));
    await attempt(run, 'data-action limits', () => stepLimits(run));
  } catch (error) {
    if (options.signal.aborted) {
      interrupted = true;
      options.progress(
        'probe: interrupted; deleting what it created (a second Ctrl-C quits without cleaning up)',
      );
    } else {
      stoppedBy = describeError(error);
    }
  }
  const cleanup = await cleanUp(run, options.cleanupTimeoutMs ?? 60_000);
  findings.set('cleanup', { check: 'cleanup', ...cleanup.finding });
  const reason = interrupted ? 'interrupted' : 'not reached: the probe stopped earlier';
  return {
    completed: !interrupted && stoppedBy === undefined && cleanup.leftBehind.length === 0,
    interrupted,
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    integrationName: PROBE_INTEGRATION_NAME,
    category: PROBE_CATEGORY,
    actionName,
    findings: PROBE_CHECKS.map(
      (check) => findings.get(check) ?? { check, status: 'skipped', seen: reason },
    ),
    deleted: cleanup.deleted,
    leftBehind: cleanup.leftBehind,
  };
}

/** A step whose failure is a finding; the other steps still run. */
async function attempt(run: ProbeRun, check: ProbeCheck, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (run.signal.aborted) throw error;
    run.record(check, { status: 'failed', seen: describeError(error) });
  }
}

/** A step the others need: its failure is recorded, then stops the probe. */
async function fatal(run: ProbeRun, check: ProbeCheck, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!run.signal.aborted) run.record(check, { status: 'failed', seen: describeError(error) });
    throw error;
  }
}

interface Cleanup {
  readonly finding: Omit<ProbeFinding, 'check'>;
  readonly deleted: string[];
  readonly leftBehind: { kind: 'action' | 'integration'; id: string }[];
}

/**
 * Deletes the actions this run created, any other action of the scratch integration in the
 * scratch category (a create whose answer was lost or interrupted may still have happened), then
 * the integration. A 404 counts as deleted.
 */
async function cleanUp(run: ProbeRun, timeoutMs: number): Promise<Cleanup> {
  const signal = AbortSignal.timeout(timeoutMs);
  const actions = run.client.dataActions;
  const deleted: string[] = [];
  const failed = new Map<string, string>();
  const removeAction = async (id: string): Promise<void> => {
    try {
      await actions.remove(id, { signal });
      deleted.push(id);
    } catch (error) {
      if (statusOf(error) === 404) deleted.push(id);
      else failed.set(id, describeError(error));
    }
  };
  for (const id of run.created) await removeAction(id);
  const integrationId = run.integration?.id;
  if (integrationId !== undefined) {
    try {
      for await (const action of actions.list({ category: PROBE_CATEGORY, signal })) {
        const known = deleted.includes(action.id) || failed.has(action.id);
        if (action.integrationId === integrationId && !known) await removeAction(action.id);
      }
    } catch (error) {
      failed.set('(listing)', describeError(error));
    }
  }
  const leftBehind: Cleanup['leftBehind'] = [...failed.keys()]
    .filter((id) => id !== '(listing)')
    .map((id) => ({ kind: 'action', id }));
  if (integrationId !== undefined && run.ownsIntegration) {
    const outcome = await removeIntegration(run, integrationId, signal);
    if (outcome === undefined) deleted.push(integrationId);
    else {
      failed.set(integrationId, outcome);
      leftBehind.push({ kind: 'integration', id: integrationId });
    }
  }
  const problems = [...failed.entries()].map(([id, why]) => `${id}: ${why}`);
  return {
    deleted,
    leftBehind,
    finding: {
      status: problems.length === 0 ? 'ok' : 'failed',
      seen:
        problems.length === 0
          ? `deleted ${deleted.length}: ${deleted.join(', ') || 'nothing was created'}`
          : `deleted ${deleted.length}; could not delete ${problems.join('; ')}`,
      data: { deleted, leftBehind },
    },
  };
}

/** Deletes the integration; if refused while enabled, disables it and tries once more. */
async function removeIntegration(
  run: ProbeRun,
  id: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const api = run.client.integrations;
  try {
    await api.remove(id, { signal });
    return undefined;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return undefined;
    if (status === undefined || status >= 500) return describeError(error);
  }
  try {
    await api.disable(id, { signal });
    await api.remove(id, { signal });
    return undefined;
  } catch (error) {
    return statusOf(error) === 404 ? undefined : describeError(error);
  }
}
