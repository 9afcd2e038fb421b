/**
 * The HTTP face's replies (DESIGN "Invocation contract"): the call is finished first (audit, span,
 * log: call-outcome.ts), and only then is the envelope sent.
 */
import type { FastifyReply } from 'fastify';
import type { InvocationError } from '../errors.js';
import { finishFailure, finishSuccess } from './call-outcome.js';
import type { CallState, OutcomeDeps } from './call-outcome.js';
import { errorReply } from './envelope.js';
import type { InvocationSuccessWire } from './envelope.js';
import { retryAfterSeconds } from './policies.js';

/** Ends a successful call: audit, span, log, then the reply. */
export async function sendSuccess(
  reply: FastifyReply,
  state: CallState,
  deps: OutcomeDeps,
  output: unknown,
): Promise<FastifyReply> {
  const failure = await finishSuccess(state, deps);
  if (failure !== undefined) return sendError(reply, failure, state.invocationId);
  const body: InvocationSuccessWire = {
    status: 'success',
    output,
    metadata: {
      tool_name: state.toolName,
      invocation_id: state.invocationId,
      duration_ms: state.durationMs,
      attempts: state.attempts,
    },
  };
  return reply.code(200).send(body);
}

/** Ends a failed or refused call: audit, span, log, then the reply. */
export async function sendFailure(
  reply: FastifyReply,
  state: CallState,
  deps: OutcomeDeps,
  error: unknown,
): Promise<FastifyReply> {
  const failure = await finishFailure(state, deps, error);
  return sendError(reply, failure, state.invocationId);
}

/** Sends a contract error, with `Retry-After` when the error carries one. */
export function sendError(
  reply: FastifyReply,
  error: InvocationError,
  invocationId: string,
): FastifyReply {
  if (error.retryAfterMs !== undefined) {
    reply.header('retry-after', String(retryAfterSeconds(error.retryAfterMs)));
  }
  return reply.code(error.httpStatus).send(errorReply(error, invocationId));
}
