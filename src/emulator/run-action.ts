/**
 * Runs a data action as Genesys would (reference §8): validate inputs, resolve the credential,
 * render the request with Velocity, call the endpoint within `timeoutSeconds`, map the response
 * and check it against `successSchema`. Each step is recorded for `/test`; a failure is shaped as
 * reference §8.3 says `/execute` answers it.
 */
import { STATUS_CODES } from 'node:http';
import type { Deps } from '../deps.js';
import { mapResponse } from './mapping.js';
import type { SchemaCompiler } from './schema-compiler.js';
import type { ActionBody, ActionConfig, CredentialRecord } from './state.js';
import type { Inputs } from './velocity.js';
import { networkFailureMessage, timedFetch } from './timed-fetch.js';
import { renderRequestTemplate, renderSuccessTemplate } from './velocity.js';
import type { ErrorDetailWire } from './wire.js';
import { ApiFailure, badRequest } from './wire.js';

/** One step of a run, as `TestExecutionResult.operations[]` shows it. */
export interface Operation {
  readonly step: number;
  readonly name: string;
  readonly success: boolean;
  readonly result?: unknown;
  readonly error?: ApiFailure;
}

/** A run's steps and its outcome. */
export interface RunResult {
  readonly operations: readonly Operation[];
  readonly outcome:
    | { readonly ok: true; readonly output: unknown }
    | { readonly ok: false; readonly failure: ApiFailure };
}

/** What a run needs. */
export interface RunInput {
  readonly action: ActionBody;
  readonly config: ActionConfig;
  readonly body: unknown;
  readonly credential: CredentialRecord | undefined;
  readonly correlationId: string;
  readonly organizationId: string;
  readonly deps: Pick<Deps, 'clock' | 'fetch'>;
  readonly schemas: SchemaCompiler;
}

type Stage = 'ACTION.REMOTE_ENDPOINT' | 'ACTION.PROCESSING';

/** An /execute failure as reference §8.3 shapes it. */
export function executionFailure(options: {
  readonly status: number;
  readonly code: string;
  readonly stage: Stage;
  readonly nestedCode: string;
  readonly message: string;
  readonly correlationId: string;
  readonly details?: readonly ErrorDetailWire[];
}): ApiFailure {
  const message = `REST call for action execute failed. Message: ${options.message} [${options.correlationId}]`;
  return new ApiFailure(options.status, options.code, message, {
    details: [{ errorCode: options.stage }, ...(options.details ?? [])],
    errors: [{ message, code: options.nestedCode, status: options.status }],
  });
}

function upperSnake(status: number): string {
  return (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The ErrorBody code the emulator uses when it mirrors a remote status. Pure. */
export function codeForStatus(status: number): string {
  const table: Readonly<Record<number, string>> = {
    404: 'not.found',
    408: 'client.timeout',
    409: 'general.conflict',
    413: 'request.entity.too.large',
    429: 'too.many.requests',
    502: 'bad.gateway',
    503: 'service.unavailable',
    504: 'request.timeout',
  };
  return table[status] ?? (status >= 500 ? 'internal.server.error' : 'bad.request');
}

/**
 * Inputs of an execute body: an object of scalars, with null values dropped (reference §7.1),
 * checked against the input schema.
 * @throws ApiFailure 400 bad.request naming each bad input.
 */
export function readInputs(
  body: unknown,
  inputSchema: Readonly<Record<string, unknown>>,
  schemas: SchemaCompiler,
): Inputs {
  const raw = body ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('The execute body must be a JSON object of inputs.', [
      { errorCode: 'INVALID_INPUT', fieldName: '(body)' },
    ]);
  }
  const inputs: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      inputs[key] = value;
    else
      throw badRequest(`Input ${key} must be a string, number or boolean.`, [
        { errorCode: 'INVALID_INPUT', fieldName: key },
      ]);
  }
  const validate = schemas.compile(inputSchema);
  if (!validate(inputs)) {
    const errors = validate.errors ?? [];
    const details = errors.map((e) => ({
      errorCode: 'INVALID_INPUT',
      fieldName:
        e.keyword === 'required' && typeof e.params['missingProperty'] === 'string'
          ? e.params['missingProperty']
          : e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)',
    }));
    const message = errors
      .map((e) => `${e.instancePath || 'input'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    throw badRequest(`The inputs do not match the action's input contract: ${message}`, details);
  }
  return inputs;
}

interface Call {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function buildCall(input: RunInput, inputs: Inputs): Call {
  const fields = input.credential?.fields ?? {};
  const request = input.config.request;
  const renderOne = (template: string, what: string): string => {
    try {
      return renderRequestTemplate(template, inputs, fields);
    } catch (error) {
      throw executionFailure({
        status: 400,
        code: 'bad.request',
        stage: 'ACTION.PROCESSING',
        nestedCode: 'INVALID_TEMPLATE',
        message: `The ${what} cannot be rendered: ${error instanceof Error ? error.message : 'error'}`,
        correlationId: input.correlationId,
      });
    }
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = renderOne(value, `header ${name}`);
  const hasAuthorization = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (input.credential?.typeName === 'basicAuth' && !hasAuthorization) {
    const pair = `${fields['userName'] ?? ''}:${fields['password'] ?? ''}`;
    headers['Authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  headers['ININ-Correlation-Id'] = input.correlationId;
  headers['ININ-Organization-Id'] = input.organizationId;
  headers['ININ-Home-Organization-Id'] = input.organizationId;
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(request.requestType);
  return {
    url: renderOne(request.requestUrlTemplate, 'request URL template'),
    method: request.requestType,
    headers,
    body: hasBody ? renderOne(request.requestTemplate, 'request template') : undefined,
  };
}

interface Remote {
  readonly status: number;
  readonly text: string;
}

async function send(call: Call, input: RunInput, timeoutMs: number): Promise<Remote> {
  const outcome = await timedFetch(input.deps, call, timeoutMs);
  switch (outcome.kind) {
    case 'response':
      return outcome;
    case 'timeout':
      throw executionFailure({
        status: 504,
        code: 'request.timeout',
        stage: 'ACTION.REMOTE_ENDPOINT',
        nestedCode: 'REQUEST_TIMEOUT',
        message: `The request to the web service timed out after ${String(timeoutMs / 1000)} seconds.`,
        correlationId: input.correlationId,
      });
    case 'error':
      throw executionFailure({
        status: 500,
        code: 'internal.server.error',
        stage: 'ACTION.REMOTE_ENDPOINT',
        nestedCode: 'INTERNAL_SERVER_ERROR',
        message: networkFailureMessage(outcome.error),
        correlationId: input.correlationId,
      });
  }
}

function interpret(remote: Remote, input: RunInput): unknown {
  if (remote.status < 200 || remote.status > 299) {
    throw executionFailure({
      status: remote.status,
      code: codeForStatus(remote.status),
      stage: 'ACTION.REMOTE_ENDPOINT',
      nestedCode: upperSnake(remote.status),
      message: `Request to backend service failed. Response from web service: ${remote.text.slice(0, 2000)}`,
      correlationId: input.correlationId,
    });
  }
  try {
    return remote.text.trim() === '' ? {} : (JSON.parse(remote.text) as unknown);
  } catch {
    throw executionFailure({
      status: 400,
      code: 'bad.request',
      stage: 'ACTION.REMOTE_ENDPOINT',
      nestedCode: 'BAD_REQUEST',
      message:
        'The backend request failed: the response is not valid JSON. Use test mode for details.',
      correlationId: input.correlationId,
    });
  }
}

function processingFailure(
  input: RunInput,
  nestedCode: string,
  message: string,
  details?: readonly ErrorDetailWire[],
): ApiFailure {
  return executionFailure({
    status: 400,
    code: 'bad.request',
    stage: 'ACTION.PROCESSING',
    nestedCode,
    message,
    correlationId: input.correlationId,
    ...(details === undefined ? {} : { details }),
  });
}

/** Runs the action and records each step; never throws for a failure of the action itself. */
export async function runAction(input: RunInput): Promise<RunResult> {
  const operations: Operation[] = [];
  const step = async <T>(
    name: string,
    fn: () => T | Promise<T>,
    shown?: (value: T) => unknown,
  ): Promise<T> => {
    try {
      const value = await fn();
      operations.push({
        step: operations.length + 1,
        name,
        success: true,
        result: shown === undefined ? value : shown(value),
      });
      return value;
    } catch (error) {
      const failure =
        error instanceof ApiFailure
          ? error
          : new ApiFailure(500, 'internal.server.error', 'Unexpected failure.');
      operations.push({ step: operations.length + 1, name, success: false, error: failure });
      throw failure;
    }
  };
  const response = input.config.response;
  try {
    const inputs = await step('Resolve inputs', () =>
      readInputs(input.body, input.action.contract.input.inputSchema, input.schemas),
    );
    const call = await step('Resolve request', () => buildCall(input, inputs));
    const remote = await step(
      'Execute request',
      () => send(call, input, (input.config.timeoutSeconds ?? 60) * 1000),
      (r) => ({
        statusCode: r.status,
        body: r.text,
      }),
    );
    const json = await step('Parse response', () => interpret(remote, input));
    const values = await step('Resolve translation map', () => {
      const mapped = mapResponse(json, response.translationMap, response.translationMapDefaults);
      if (!mapped.ok) {
        throw processingFailure(
          input,
          'INVALID_TRANSLATION',
          `Translation map key '${mapped.key}' (${mapped.path}): ${mapped.reason}.`,
          [
            {
              errorCode: 'ACTION.PROCESSING',
              fieldName: `config.response.translationMap.${mapped.key}`,
            },
          ],
        );
      }
      return mapped.values;
    });
    const output = await step('Resolve success template', () => {
      let rendered: string;
      try {
        rendered = renderSuccessTemplate(response.successTemplate, values, remote.text);
        return JSON.parse(rendered) as unknown;
      } catch (error) {
        throw processingFailure(
          input,
          'INVALID_SUCCESS_TEMPLATE',
          `The success template did not produce valid JSON: ${error instanceof Error ? error.message : 'error'}`,
        );
      }
    });
    await step('Validate output', () => {
      const validate = input.schemas.compile(input.action.contract.output.successSchema);
      if (!validate(output)) {
        const errors = validate.errors ?? [];
        throw processingFailure(
          input,
          'SCHEMA_VALIDATION_FAILED',
          `The output does not match the success schema: ${errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ')}`,
          errors.map((e) => ({
            errorCode: 'ACTION.PROCESSING',
            fieldName: `output${e.instancePath.replace(/\//g, '.')}`,
          })),
        );
      }
      return output;
    });
    return { operations, outcome: { ok: true, output } };
  } catch (error) {
    const failure =
      error instanceof ApiFailure
        ? error
        : new ApiFailure(500, 'internal.server.error', 'Unexpected failure.');
    return { operations, outcome: { ok: false, failure } };
  }
}
