/**
 * The steps of `doctor --probe` (issue 12 item 5, reference §10.5), in order (step 3, the read
 * back, is in probe-readback.ts). Each asks the org one question and records what it answered;
 * the runner (probe.ts) deletes what they create.
 */
import type { Clock } from '../../deps.js';
import type { ActionWire, GenesysClient, IntegrationWire } from '../../genesys/index.js';
import { WEB_SERVICES_INTEGRATION_TYPE } from '../../genesys/index.js';
import type { DataActionBody } from '../../registry/index.js';
import { PROBE_CATEGORY, PROBE_INTEGRATION_NAME, withTypeListInput } from './probe-body.js';
import type { ProbeCheck, ProbeFinding } from './probe-report.js';
import { describeError, findRenderedRequest, rawRequestOf, statusOf } from './probe-report.js';

/** What the steps share: the client, what they created, and what they learnt. */
export interface ProbeRun {
  readonly client: GenesysClient;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly actionName: string;
  readonly executionUrl: string | undefined;
  /** The one input value sent to `/test`; searched for in its answer. */
  readonly marker: string;
  readonly progress: (line: string) => void;
  readonly record: (check: ProbeCheck, finding: Omit<ProbeFinding, 'check'>) => void;
  /** Every action this run created (or may have created), deleted at the end. */
  readonly created: Set<string>;
  integration?: IntegrationWire;
  /** What the integration step did (created or found, renamed, enabled). */
  integrationNotes: string[];
  /** True when the scratch integration is to be deleted at the end. */
  ownsIntegration: boolean;
  body?: DataActionBody;
  actionId?: string;
  action?: ActionWire;
}

/** Bounds of the waits (reference §10.2: reads retried after a create; ACTIVATING on enable). */
const WAIT = { attempts: 10, intervalMs: 1_000 } as const;

/** Reads after a create: the platform may answer 404 for a moment (reference §10.2). */
export async function readAfterCreate<T>(run: ProbeRun, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (statusOf(error) !== 404 || attempt >= WAIT.attempts) throw error;
      await run.clock.sleep(WAIT.intervalMs, run.signal);
    }
  }
}

/** Step 1: find or create the scratch integration, enable it, wait until it is ACTIVE. */
export async function stepIntegration(run: ProbeRun): Promise<void> {
  const api = run.client.integrations;
  const options = { signal: run.signal };
  const notes: string[] = [];
  let integration = await api.findByName(
    PROBE_INTEGRATION_NAME,
    WEB_SERVICES_INTEGRATION_TYPE,
    options,
  );
  if (integration === undefined) {
    integration = await api.create({ name: PROBE_INTEGRATION_NAME }, options);
    notes.push(`created ${integration.id} (${WEB_SERVICES_INTEGRATION_TYPE})`);
    run.progress(
      `probe: created the scratch integration ${PROBE_INTEGRATION_NAME} (id ${integration.id})`,
    );
  } else {
    notes.push(`found ${integration.id}, left by an earlier probe; reused`);
  }
  run.integration = integration;
  run.ownsIntegration = true;
  if (integration.name !== PROBE_INTEGRATION_NAME) {
    // TF names integrations through config/current (reference §7.0): do so if the create did not.
    const config = await api.getConfig(integration.id, options);
    await api.putConfig(
      integration.id,
      {
        name: PROBE_INTEGRATION_NAME,
        version: config.version,
        properties: config.properties ?? {},
        advanced: config.advanced ?? {},
        notes: config.notes ?? '',
        credentials: config.credentials ?? {},
      },
      options,
    );
    notes.push(`the create answered name "${integration.name ?? ''}"; renamed via config/current`);
  }
  if (integration.intendedState !== 'ENABLED') {
    integration = await api.enable(integration.id, options);
    notes.push('enabled');
  }
  run.integration = integration;
  run.integrationNotes = notes;
  const state = integration.reportedState?.code ?? '(none)';
  run.record('integration', {
    status: 'ok',
    seen: `${notes.join(', ')}, reportedState ${state}`,
    data: { id: integration.id, intendedState: integration.intendedState, reportedState: state },
  });
}

/**
 * Before `/test`: waits (bounded) until the integration reports ACTIVE (reference §7.0: an
 * inactive integration's actions cannot be tested), and completes the integration's finding.
 * Actions can be created before, so the wait sits here, not after enabling.
 */
export async function waitUntilActive(run: ProbeRun): Promise<void> {
  let integration = run.integration;
  if (integration === undefined) return;
  const first = integration.reportedState?.code ?? '(none)';
  let waited = 0;
  while (integration.reportedState?.code !== 'ACTIVE' && waited < WAIT.attempts) {
    await run.clock.sleep(WAIT.intervalMs, run.signal);
    waited++;
    integration = await run.client.integrations.get(integration.id, { signal: run.signal });
  }
  run.integration = integration;
  const state = integration.reportedState?.code ?? '(none)';
  const wait =
    waited === 0 ? '' : ` (${first} at first, ${String(waited * WAIT.intervalMs)} ms polled)`;
  run.record('integration', {
    status: state === 'ACTIVE' ? 'ok' : 'differs',
    seen: `${run.integrationNotes.join(', ')}, reportedState ${state}${wait}`,
    expected: `reportedState ACTIVE within ${String((WAIT.attempts * WAIT.intervalMs) / 1000)} s of enabling`,
    data: { id: integration.id, intendedState: integration.intendedState, reportedState: state },
  });
}

/** Step 2: the scratch action, created and published in one POST. */
export async function stepCreate(run: ProbeRun, body: DataActionBody): Promise<void> {
  run.body = body;
  const action = await run.client.dataActions.create(body, { signal: run.signal });
  run.created.add(action.id);
  run.actionId = action.id;
  run.progress(`probe: created the scratch action ${body.name} (id ${action.id})`);
  run.record('create action', {
    status: 'ok',
    seen: `${body.name} created in category ${PROBE_CATEGORY} (id ${action.id}, version ${String(action.version ?? '?')})`,
    data: { id: action.id, version: action.version },
  });
}

/** Step 4: `/test` with one input; what `${input.rawRequest}` became. */
export async function stepTest(run: ProbeRun, id: string): Promise<void> {
  const inputs = { text: run.marker };
  const result = await run.client.dataActions.test(id, inputs, { signal: run.signal });
  const rendered = findRenderedRequest(result, run.marker);
  const outcome =
    result.success === true ? 'test succeeded' : 'test failed (expected: the URL is not a tool)';
  if (rendered === undefined) {
    const steps = (result.operations ?? []).map((o) => o.name ?? String(o.step)).join(', ');
    run.record('test: rawRequest', {
      status: 'differs',
      seen: `no rendered request body in the test steps (${steps}); ${outcome}`,
      expected: 'a step showing the resolved request body',
      data: result,
    });
    return;
  }
  const raw = rawRequestOf(rendered.body);
  const asInputs = raw !== undefined && JSON.stringify(raw.json) === JSON.stringify(inputs);
  run.record('test: rawRequest', {
    status: asInputs ? 'ok' : 'differs',
    seen: `\${input.rawRequest} became ${raw === undefined ? `(unparsed) ${rendered.body}` : JSON.stringify(raw.json)} (step "${rendered.step}"); ${outcome}`,
    expected: `the inputs as JSON: ${JSON.stringify(inputs)}`,
    data: { step: rendered.step, body: rendered.body, rawRequest: raw?.json },
  });
}

/** Step 5: an input typed `["string", "null"]`; deleted at once if the platform takes it. */
export async function stepTypeList(run: ProbeRun, body: DataActionBody): Promise<void> {
  const name = `${run.actionName}_typelist`;
  try {
    const action = await run.client.dataActions.create(withTypeListInput(body, name), {
      signal: run.signal,
    });
    run.created.add(action.id);
    await run.client.dataActions.remove(action.id, { signal: run.signal });
    run.created.delete(action.id);
    run.record('type-list input', {
      status: 'differs',
      seen: `accepted (id ${action.id}), deleted`,
      expected: 'refused with 400 (reference §10.2)',
    });
  } catch (error) {
    if (run.signal.aborted) throw error;
    const status = statusOf(error);
    run.record('type-list input', {
      status: status === 400 ? 'ok' : 'failed',
      seen: `refused: ${describeError(error)}`,
      expected: 'refused with 400 (reference §10.2)',
    });
  }
}

/** Step 6: a second action with the same name in the integration; kept for paging, then deleted. */
export async function stepSameName(run: ProbeRun, body: DataActionBody): Promise<void> {
  try {
    const action = await run.client.dataActions.create(body, { signal: run.signal });
    run.created.add(action.id);
    run.record('same name twice', {
      status: 'ok',
      seen: `accepted: two actions named ${body.name} (ids ${run.actionId ?? '?'}, ${action.id})`,
      expected: 'accepted (reference §7.2: names are not unique)',
    });
  } catch (error) {
    if (run.signal.aborted) throw error;
    run.record('same name twice', {
      status: statusOf(error) === undefined ? 'failed' : 'differs',
      seen: `refused: ${describeError(error)}`,
      expected: 'accepted (reference §7.2: names are not unique)',
    });
    // Paging needs two actions in the category.
    const second = await run.client.dataActions.create(
      { ...body, name: `${run.actionName}_2` },
      { signal: run.signal },
    );
    run.created.add(second.id);
  }
}
