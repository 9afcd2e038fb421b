/**
 * Runs a data action as Genesys would (reference §8): validate inputs, resolve the credential,
 * render the request with Velocity, call the endpoint within `timeoutSeconds`, map the response
 * and check it against `successSchema`. Each step is recorded for `/test`; a failure is shaped as
 * reference §8.3 says `/execute` answers it.
 */
import { executionFailure } from './execution-failure.js';
import { mapResponse } from './mapping.js';
import { readInputs } from './read-inputs.js';
import { buildCall, interpret, send } from './remote-call.js';
import type { Operation, RunInput, RunResult } from './run-input.js';
import { renderSuccessTemplate } from './velocity.js';
import type { ErrorDetailWire } from './wire.js';
import { ApiFailure } from './wire.js';

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
