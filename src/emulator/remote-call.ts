/**
 * The remote step of an emulated run: render the request (URL, headers, body, Basic auth from
 * the credential), call the endpoint within the timeout, and read its answer as JSON.
 */
import { codeForStatus, executionFailure, upperSnake } from './execution-failure.js';
import type { RunInput } from './run-input.js';
import { networkFailureMessage, timedFetch } from './timed-fetch.js';
import type { Inputs } from './velocity.js';
import { renderRequestTemplate } from './velocity.js';

export interface Call {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

export function buildCall(input: RunInput, inputs: Inputs): Call {
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

export interface Remote {
  readonly status: number;
  readonly text: string;
}

export async function send(call: Call, input: RunInput, timeoutMs: number): Promise<Remote> {
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

export function interpret(remote: Remote, input: RunInput): unknown {
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
