/**
 * `POST /api/v1/tools/:name` (DESIGN "Invocation contract"): authenticate ▸ rate limit ▸ parse
 * envelope ▸ validate parameters ▸ bulkhead ▸ breaker ▸ timeout ▸ retry ▸ handler ▸ audit ▸
 * metrics ▸ reply. Credentials in headers and the rate limit are checked before the body is read;
 * a signed call (its signature covers the body) takes its token after the signature is checked.
 * An encapsulated plugin: its hooks and error handler apply to this route only.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { InvocationError } from '../errors.js';
import { refusalError } from './refusal-error.js';
import type { CallerAuth, Headers } from './caller-auth.js';
import { callLogger, trustCaller } from './call-outcome.js';
import type { CallState, OutcomeDeps } from './call-outcome.js';
import { runCall } from './call-pipeline.js';
import type { ServedTool } from './call-pipeline.js';
import { sendError, sendFailure, sendSuccess } from './call-reply.js';
import { REPLY_SCHEMAS, parseEnvelope } from './envelope.js';
import type { AuditSink, InvocationObserver, InvocationSpan } from './observer.js';
import { DeferredSpan, withoutTraceContext } from './trusted-span.js';
import { CallCancellation } from './call-cancellation.js';
import type { InFlightCalls } from './call-cancellation.js';

export type { ServedTool } from './call-pipeline.js';

/** What the route needs from the server. */
export interface InvokeRouteOptions {
  readonly tools: ReadonlyMap<string, ServedTool>;
  readonly auth: CallerAuth;
  readonly deps: Deps;
  readonly observer: InvocationObserver;
  readonly audit: AuditSink | undefined;
  /**
   * The controllers of the calls in flight; shutdown aborts them at the drain deadline. A list
   * rather than one listener per call on a shared signal: no listener churn on the hot path.
   */
  readonly inFlight: InFlightCalls;
}

const ROUTE = '/api/v1/tools/:name';

/** The largest unread body drained (not cut off) after a refusal sent before reading it. */
const DRAIN_MAX_BYTES = 8192;

function smallDeclaredBody(contentLength: string | undefined): boolean {
  if (contentLength === undefined || !/^\d{1,6}$/.test(contentLength)) return false;
  return Number(contentLength) <= DRAIN_MAX_BYTES;
}

function unauthorized(): InvocationError {
  return new InvocationError('UNAUTHORIZED', 'credentials are missing or wrong.');
}

function replayStoreDown(): InvocationError {
  return new InvocationError(
    'STORE_UNAVAILABLE',
    'signed calls are checked for replay in the shared store, which is unreachable; retry shortly.',
    { retryAfterMs: 1000 },
  );
}

/** Registers the invocation route. */
export function registerInvokeRoute(app: FastifyInstance, options: InvokeRouteOptions): void {
  const { tools, auth, deps, observer } = options;
  // One error for every refusal: nothing in it is per call, and building an Error (its stack)
  // was an eighth of what a refused call cost (issue 14, bench/refusals.ts).
  const refused = unauthorized();
  const outcomeDeps: OutcomeDeps = {
    clock: deps.clock,
    audit: options.audit,
    secrets: auth.secrets,
  };

  const stateOf = (request: FastifyRequest): CallState => {
    const state = request.invocation;
    // onRequest runs before anything else of this route, so a missing state is a bug of ours.
    if (state === null) throw new Error('invocation state missing');
    return state;
  };

  app.addHook('onRequest', (request, reply, done) => {
    const { name } = request.params as { name: string };
    const invocationId = randomUUID();
    // Credentials in headers are checked before the body is read: an unauthenticated 10 MB body
    // is refused without being buffered. The trace context is honoured only once they pass.
    const verdict = auth.checkHeaders(request.headers);
    const served = tools.has(name);
    const start = (headers: Headers, traced = true): InvocationSpan =>
      observer.start({
        toolName: served ? name : undefined,
        invocationId,
        headers,
        protocol: 'http',
        traced,
      });
    const span =
      verdict === 'needs-body'
        ? new DeferredSpan(start, request.headers)
        : verdict.ok
          ? start(request.headers)
          : start(withoutTraceContext(request.headers), false);
    const state: CallState = {
      invocationId,
      startMs: deps.clock.nowMs(),
      toolName: name,
      span,
      serverLogger: deps.logger,
      boundLogger: undefined,
      needsSignature: false,
      authenticated: false,
      caller: undefined,
      served,
      refusal: undefined,
      remoteAddress: request.socket.remoteAddress,
      parameters: undefined,
      conversationId: undefined,
      // The ININ-* ids are taken once the caller is authenticated (trustCaller).
      userId: undefined,
      correlationId: undefined,
      organizationId: undefined,
      attempts: 0,
      admitted: false,
      finished: false,
      durationMs: 0,
    };
    request.invocation = state;
    if (verdict === 'needs-body') {
      state.needsSignature = true;
      done();
      return;
    }
    if (!verdict.ok) {
      // Answered here, before the body is read, without Fastify's error path (issue 18, goal 2).
      state.refusal = verdict.reason;
      refuse(request, reply, state, refused).catch((error: unknown) => {
        done(error instanceof Error ? error : new Error(String(error)));
      });
      return;
    }
    trustCaller(state, request.headers, verdict.caller);
    // The rate limit is taken before the body is read: a flood of calls to a limited tool is
    // turned away without reading, parsing or validating what it sends (issue 18, goal 2).
    const tool = tools.get(name);
    if (tool === undefined) {
      done();
      return;
    }
    const admitted = (): void => {
      state.admitted = true;
      done();
    };
    const limited = (error: unknown): void => {
      refuse(request, reply, state, error).catch((failure: unknown) => {
        done(failure instanceof Error ? failure : new Error(String(failure)));
      });
    };
    let taking: void | Promise<void>;
    try {
      taking = tool.policies.admit();
    } catch (error) {
      limited(error);
      return;
    }
    if (taking === undefined) admitted();
    else taking.then(admitted, limited);
  });

  /** Answers a call refused or failed while its state is not finished. */
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: CallState,
    error: unknown,
  ): Promise<FastifyReply> => {
    // Refused before the body was read (credentials, size): a body of unknown or more than
    // DRAIN_MAX_BYTES would keep the connection busy, so it is closed after the reply (issue 14
    // §4); a small declared body is read and dropped by Node, and the connection kept (issue 18:
    // closing it made every refused call of a client a new TCP connection).
    if (request.rawBody === null && !smallDeclaredBody(request.headers['content-length'])) {
      reply.header('connection', 'close');
    }
    return sendFailure(reply, state, outcomeDeps, error);
  };

  app.setErrorHandler(async (error, request, reply) => {
    const state = request.invocation;
    if (state === null || state.finished) {
      // The reply was decided but could not be sent (an output JSON cannot encode: a BigInt, a
      // cycle). The audit entry is written already; answer the tool's fault, never hang.
      const invocationId = state?.invocationId ?? randomUUID();
      (state === null ? deps.logger : callLogger(state)).error(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        'reply could not be sent',
      );
      return sendError(
        reply,
        new InvocationError(
          'EXECUTION_FAILURE',
          `the tool failed; look up invocation ${invocationId} in the server log.`,
        ),
        invocationId,
      );
    }
    return refuse(request, reply, state, error);
  });

  app.post(
    ROUTE,
    {
      schema: {
        response: {
          200: REPLY_SCHEMAS.success,
          '4xx': REPLY_SCHEMAS.error,
          '5xx': REPLY_SCHEMAS.error,
        },
      },
    },
    async (request, reply) => {
      const state = stateOf(request);
      try {
        return await invoke(request, reply, state);
      } catch (error) {
        // A refusal or failure is answered here rather than through Fastify's error path, which
        // cost a refused call about a tenth of its time (bench/profile-calls.ts). A call already
        // finished (its reply could not be sent) goes on to the error handler.
        if (state.finished) throw error;
        return refuse(request, reply, state, error);
      }
    },
  );

  const invoke = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: CallState,
  ): Promise<FastifyReply> => {
    if (state.needsSignature) {
      const checking = auth.checkSignature(request.headers, request.rawBody ?? '');
      const verdict = checking instanceof Promise ? await checking : checking;
      if (!verdict.ok) {
        state.refusal = verdict.reason;
        throw verdict.reason === 'replay-store-unavailable' ? replayStoreDown() : refused;
      }
      trustCaller(state, request.headers, verdict.caller);
      if (state.span instanceof DeferredSpan) state.span.trust();
    }
    const served = tools.get(state.toolName);
    if (served === undefined) {
      throw refusalError('UNKNOWN_TOOL', `no tool named "${state.toolName}" is served here.`);
    }
    const envelope = parseEnvelope(request.body);
    state.parameters = envelope.parameters;
    state.conversationId = envelope.conversation_id;
    state.userId = envelope.user_id ?? state.userId;
    if (envelope.tool_name !== state.toolName) {
      throw refusalError(
        'TOOL_NAME_MISMATCH',
        `tool_name "${envelope.tool_name}" differs from the tool "${state.toolName}" in the path.`,
      );
    }
    const output = await runHandler(reply, served, state, envelope.parameters);
    return sendSuccess(reply, state, outcomeDeps, output);
  };

  const runHandler = async (
    reply: FastifyReply,
    served: ServedTool,
    state: CallState,
    parameters: Record<string, unknown>,
  ): Promise<unknown> => {
    // One cancellation per call, aborted when the caller goes away, the timeout passes or
    // shutdown's deadline passes; its AbortSignal is made only if the handler reads it.
    const call = new CallCancellation();
    const onCallerGone = (): void => {
      if (!reply.raw.writableEnded) call.callerGone();
    };
    reply.raw.once('close', onCallerGone);
    try {
      return await runCall(served, state, { parameters, call, inFlight: options.inFlight });
    } finally {
      reply.raw.off('close', onCallerGone);
    }
  };
}
