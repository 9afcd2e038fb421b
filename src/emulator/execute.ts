/**
 * `POST .../{id}/execute`, `.../{id}/test` and `.../{id}/draft/test` (reference §7.1, §8).
 * Execute answers the output or an §8.3 error; test answers 200 with the step-by-step
 * `TestExecutionResult`, credentials redacted.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redact } from '../redact.js';
import type { EmulatorContext } from './context.js';
import {
  createExecutionLimiter,
  DATA_ACTIONS_NAMESPACE,
  DEFAULT_EXECUTION_LIMITS,
  limitEntities,
} from './execution-limits.js';
import type { RunResult } from './run-input.js';
import { runAction } from './run-action.js';
import type { ActionBody, ActionConfig, ActionRecord, CredentialRecord } from './state.js';
import { badRequest, notFound } from './wire.js';

type IdParams = { Params: { id: string } };

/** Registers the execute and test routes. */
export function registerExecuteRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const state = ctx.store.state;

  const prepare = (record: ActionRecord, body: ActionBody) => {
    const integration = state.integrations.get(record.integrationId);
    if (integration === undefined) {
      throw badRequest(
        `Integration ${record.integrationId} of action ${record.id} no longer exists.`,
        [{ errorCode: 'ACTION.PROCESSING', entityId: record.integrationId }],
      );
    }
    // The reference leaves /execute on a disabled integration unclear (§7.0): the emulator
    // refuses it with a 400 that says how to enable the integration.
    if (integration.intendedState !== 'ENABLED') {
      throw badRequest(
        `Integration ${integration.id} ("${integration.name}") is not enabled, so its actions cannot be executed or tested. Enable it with PATCH /api/v2/integrations/${integration.id} {"intendedState": "ENABLED"}.`,
        [{ errorCode: 'INTEGRATION_DISABLED', entityId: integration.id }],
      );
    }
    if (body.config === undefined) {
      throw badRequest(`Action ${record.id} has no configuration to run.`, [
        { errorCode: 'ACTION.PROCESSING', fieldName: 'config' },
      ]);
    }
    const credentialId = integration.config.credentials['basicAuth']?.id;
    const credential = credentialId === undefined ? undefined : state.credentials.get(credentialId);
    return { config: body.config, credential };
  };

  const limiter = createExecutionLimiter({
    concurrency: ctx.options.executionConcurrency,
    perMinute: ctx.options.executionsPerMinute,
  });

  const run = async (request: FastifyRequest, record: ActionRecord, body: ActionBody) => {
    const { config, credential } = prepare(record, body);
    const release = limiter.admit(ctx.deps.clock.nowMs());
    try {
      return { result: await runOnce(request, body, config, credential), credential };
    } finally {
      release();
    }
  };

  const runOnce = (
    request: FastifyRequest,
    body: ActionBody,
    config: ActionConfig,
    credential: CredentialRecord | undefined,
  ): Promise<RunResult> =>
    runAction({
      action: body,
      config,
      body: request.body,
      credential,
      correlationId: ctx.info(request).correlationId,
      organizationId: ctx.options.organizationId,
      deps: ctx.deps,
      schemas: ctx.schemas,
    });

  const published = (id: string): { record: ActionRecord; body: ActionBody } => {
    const record = state.actions.get(id);
    if (record?.published === undefined) throw notFound('Action', id);
    return { record, body: record.published };
  };

  // The org's data-action limits (reference §3, §10.3): a `LimitsEntityListing` of `Limit`s.
  app.get<{ Params: { namespace: string } }>(
    '/api/v2/organizations/limits/namespaces/:namespace',
    (request) => {
      if (request.params.namespace !== DATA_ACTIONS_NAMESPACE)
        throw notFound('Limit namespace', request.params.namespace);
      return {
        entities: limitEntities({
          concurrency: ctx.options.executionConcurrency,
          perMinute: ctx.options.executionsPerMinute,
        }),
      };
    },
  );

  app.get<{ Params: { namespace: string } }>(
    '/api/v2/organizations/limits/namespaces/:namespace/defaults',
    (request) => {
      if (request.params.namespace !== DATA_ACTIONS_NAMESPACE)
        throw notFound('Limit namespace', request.params.namespace);
      return { entities: limitEntities(DEFAULT_EXECUTION_LIMITS) };
    },
  );

  app.post<IdParams>('/api/v2/integrations/actions/:id/execute', async (request) => {
    ctx.requirePermission(request, 'integrations:action:execute');
    const { record, body } = published(request.params.id);
    const { result } = await run(request, record, body);
    if (!result.outcome.ok) throw result.outcome.failure;
    return result.outcome.output;
  });

  app.post<IdParams>('/api/v2/integrations/actions/:id/test', async (request) => {
    ctx.requirePermission(request, 'integrations:action:execute');
    const { record, body } = published(request.params.id);
    const { result, credential } = await run(request, record, body);
    return testResult(result, credential, ctx.info(request).correlationId);
  });

  app.post<IdParams>('/api/v2/integrations/actions/:id/draft/test', async (request) => {
    ctx.requirePermission(request, 'integrations:action:execute');
    const record = state.actions.get(request.params.id);
    if (record?.draft === undefined) throw notFound('Draft of action', request.params.id);
    const { result, credential } = await run(request, record, record.draft);
    return testResult(result, credential, ctx.info(request).correlationId);
  });
}

/** Secrets of a credential as they could appear on the wire (values and the Basic header). */
function secretsOf(credential: CredentialRecord | undefined): readonly string[] {
  if (credential === undefined) return [];
  const values = Object.values(credential.fields);
  const pair = `${credential.fields['userName'] ?? ''}:${credential.fields['password'] ?? ''}`;
  return [...values, Buffer.from(pair).toString('base64')];
}

/** The `TestExecutionResult` of a run, with every credential value redacted. */
export function testResult(
  result: RunResult,
  credential: CredentialRecord | undefined,
  correlationId: string,
): unknown {
  const operations = result.operations.map((op) => ({
    step: op.step,
    name: op.name,
    success: op.success,
    ...(op.result === undefined ? {} : { result: op.result }),
    ...(op.error === undefined ? {} : { error: op.error.toBody(correlationId) }),
  }));
  const wire = result.outcome.ok
    ? { operations, finalResult: result.outcome.output, success: true }
    : { operations, error: result.outcome.failure.toBody(correlationId), success: false };
  // A JSON round trip first: the output appears in two places, and redact() reports a shared
  // object as circular.
  return redact(JSON.parse(JSON.stringify(wire)) as unknown, secretsOf(credential));
}
