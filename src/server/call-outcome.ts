/**
 * How a call ends, whatever face it came through (HTTP route, MCP): any error becomes a contract
 * error (STYLE §4: one function maps errors to the envelope), the audit entry is appended, the span
 * ends and the line is logged; only then does the face send its reply (call-reply.ts for HTTP).
 */
import type { Clock, Logger } from '../deps.js';
import { InvocationError, asInvocationError, isGenesysToolsError } from '../errors.js';
import { redactString } from '../redact.js';
import { boundIssues } from './parameter-checks.js';
import { headerId } from './envelope.js';
import { isRefusal, recordCall } from './call-audit.js';
import type { AuditSink, InvocationSpan } from './observer.js';

/** What the server knows about one invocation while it runs. */
export interface CallState {
  readonly invocationId: string;
  readonly startMs: number;
  /** The tool named in the path, as given. */
  readonly toolName: string;
  readonly span: InvocationSpan;
  /** The server's logger; `callLogger(state)` binds the call's ids to it when first needed. */
  readonly serverLogger: Logger;
  /** The child logger with the call's ids, once made. */
  boundLogger: Logger | undefined;
  /** Set when the call is signed: the signature is checked once the raw body is read. */
  needsSignature: boolean;
  /**
   * Set once the caller is authenticated. Until then nothing the caller wrote is trusted: the
   * ids stay unset, and a refusal is counted (`AuditSink.refused`) instead of recorded.
   */
  authenticated: boolean;
  /** The accepted credential's label (`bearer:1`), once authenticated; for refusal summaries. */
  caller: string | undefined;
  /** The tool named is served here (only then is its name a bounded value). */
  readonly served: boolean;
  /** Why authentication refused the call, when it did. */
  refusal: string | undefined;
  /** The connection's peer address (for refusal counts). */
  remoteAddress: string | undefined;
  parameters: unknown;
  conversationId: string | undefined;
  userId: string | undefined;
  correlationId: string | undefined;
  organizationId: string | undefined;
  attempts: number;
  /**
   * Set when the call took its rate-limit token before its body was read (the HTTP route, for a
   * caller authenticated by headers): the pipeline does not take another.
   */
  admitted: boolean;
  /** Set when the reply has been decided, so a late error cannot answer twice. */
  finished: boolean;
  /** The call's duration, set when it finishes. */
  durationMs: number;
}

type HeaderValue = string | readonly string[] | undefined;

/**
 * Marks the call authenticated and only then takes the `ININ-*` ids from its headers, bounded
 * (`headerId`): an unauthenticated caller cannot put anything into the audit log (issue 14).
 */
export function trustCaller(
  state: CallState,
  headers: Readonly<Record<string, HeaderValue>>,
  caller: string,
): void {
  state.authenticated = true;
  state.caller = caller;
  state.userId = headerId(headers['inin-user-id']);
  state.correlationId = headerId(headers['inin-correlation-id']);
  state.organizationId = headerId(headers['inin-organization-id']);
}

function callBindings(state: CallState): Record<string, unknown> {
  return { invocationId: state.invocationId, tool: state.toolName, traceId: state.span.traceId };
}

/**
 * The call's logger, its ids bound, made on first use: a call that goes well logs one line, which
 * `logOutcome` writes with the ids inline, so most calls never make a child logger.
 */
export function callLogger(state: CallState): Logger {
  state.boundLogger ??= state.serverLogger.child(callBindings(state));
  return state.boundLogger;
}

/** How a call ended, as its summary line says. */
type Outcome = {
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  /** Why authentication refused the call (the only line a refusal gets: issue 14). */
  readonly refusal?: string | undefined;
  readonly durationMs: number;
  readonly attempts: number;
};

/**
 * The call's summary line: the same fields whether or not a child logger was made. One object
 * literal: the objects a spread of the ids and the outcome made were most of what V8 still
 * promoted to the old generation (V8's sampling heap profiler, keeping the objects that only
 * major GCs collect, under bench/server.ts).
 */
function logOutcome(state: CallState, level: 'debug' | 'info' | 'warn', outcome: Outcome): void {
  if (state.boundLogger !== undefined) {
    state.boundLogger[level](outcome, 'invocation');
    return;
  }
  state.serverLogger[level](
    {
      invocationId: state.invocationId,
      tool: state.toolName,
      traceId: state.span.traceId,
      outcome: outcome.outcome,
      errorCode: outcome.errorCode,
      refusal: outcome.refusal,
      durationMs: outcome.durationMs,
      attempts: outcome.attempts,
    },
    'invocation',
  );
}

/** A handler's output that breaks the tool's output schema: the tool's fault, logged with paths. */
export class OutputMismatchError extends Error {
  constructor(readonly issues: readonly { readonly path: string; readonly message: string }[]) {
    super('output does not match the output schema');
    this.name = 'OutputMismatchError';
  }
}

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
}

function isFastifyLikeError(value: unknown): value is FastifyLikeError & Error {
  return value instanceof Error && ('statusCode' in value || 'code' in value);
}

/**
 * Turns anything thrown while serving a call into the contract error it stands for; unknown errors
 * become EXECUTION_FAILURE with a generic message, and their details go to the log only.
 */
export function toInvocationError(
  error: unknown,
  ctx: {
    readonly invocationId: string;
    /** The logger for what only the log may see; called only when there is something to log. */
    readonly log: () => Logger;
    readonly secrets: readonly string[];
  },
): InvocationError {
  // By brand, not class: a tool's module may carry its own copy of errors.ts (issue 14 §3).
  const own = asInvocationError(error);
  if (own !== undefined) return boundIssues(own);
  if (isFastifyLikeError(error) && !isGenesysToolsError(error)) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return new InvocationError('PAYLOAD_TOO_LARGE', 'the request body is over the size limit.');
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's JSON parser (secure-json-parse) refuses `__proto__` and
      // `constructor.prototype` keys with the same error as broken JSON.
      return new InvocationError(
        'INVALID_PAYLOAD',
        'the body must be JSON without __proto__ or constructor.prototype keys, sent as application/json.',
      );
    }
  }
  const generic = new InvocationError(
    'EXECUTION_FAILURE',
    `the tool failed; look up invocation ${ctx.invocationId} in the server log.`,
  );
  if (error instanceof OutputMismatchError) {
    ctx.log().error({ issues: error.issues }, 'tool output does not match its output schema');
  } else {
    const err =
      error instanceof Error
        ? {
            name: error.name,
            message: redactString(error.message, ctx.secrets),
            stack: error.stack,
          }
        : { value: redactString(String(error), ctx.secrets) };
    ctx.log().error({ err }, 'tool handler failed');
  }
  return generic;
}

/** The effects a call's end needs. */
export interface OutcomeDeps {
  readonly clock: Clock;
  readonly audit: AuditSink | undefined;
  readonly secrets: readonly string[];
}

function auditFailure(state: CallState): InvocationError {
  return new InvocationError(
    'EXECUTION_FAILURE',
    `the call could not be recorded; look up invocation ${state.invocationId} in the server log.`,
  );
}

/**
 * Ends a successful call: audit, span, log; the face (HTTP route, MCP) sends the reply after.
 * Returns the failure to answer instead when the audit entry could not be written, else undefined.
 * Sets `state.durationMs`.
 */
export async function finishSuccess(
  state: CallState,
  deps: OutcomeDeps,
): Promise<InvocationError | undefined> {
  state.finished = true;
  const durationMs = deps.clock.nowMs() - state.startMs;
  state.durationMs = durationMs;
  if (
    !(await recordCall(state, deps.audit, { errorCode: undefined, durationMs }, () =>
      callLogger(state),
    ))
  ) {
    const failure = auditFailure(state);
    endFailure(state, failure, durationMs);
    return failure;
  }
  state.span.end({ outcome: 'success', httpStatus: 200, durationMs, attempts: state.attempts });
  logOutcome(state, 'info', { outcome: 'success', durationMs, attempts: state.attempts });
  return undefined;
}

/**
 * Ends a failed or refused call: audit, span, log; returns the contract error to answer with.
 * Sets `state.durationMs`.
 */
export async function finishFailure(
  state: CallState,
  deps: OutcomeDeps,
  error: unknown,
): Promise<InvocationError> {
  state.finished = true;
  const failure = toInvocationError(error, {
    invocationId: state.invocationId,
    log: () => callLogger(state),
    secrets: deps.secrets,
  });
  const durationMs = deps.clock.nowMs() - state.startMs;
  state.durationMs = durationMs;
  const recorded = await recordCall(
    state,
    deps.audit,
    { errorCode: failure.code, durationMs },
    () => callLogger(state),
  );
  const answer = recorded ? failure : auditFailure(state);
  endFailure(state, answer, durationMs);
  return answer;
}

function endFailure(state: CallState, failure: InvocationError, durationMs: number): void {
  state.span.end({
    outcome: 'error',
    errorCode: failure.code,
    httpStatus: failure.httpStatus,
    durationMs,
    attempts: state.attempts,
  });
  // A refusal logs at debug: the audit log sums refusals per interval and logs one warning per
  // reason, tool and caller and interval, so a flood of refused calls cannot flood the log either
  // (issue 14, item 1; issue 18, goal 2).
  const level = isRefusal(state, failure.code)
    ? 'debug'
    : failure.httpStatus >= 500
      ? 'warn'
      : 'info';
  logOutcome(state, level, {
    outcome: 'error',
    errorCode: failure.code,
    refusal: state.refusal,
    durationMs,
    attempts: state.attempts,
  });
}
