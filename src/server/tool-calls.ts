/**
 * The call pipeline as other faces than the invocation route use it (issue 17: MCP over Streamable
 * HTTP and over stdio): the same per-tool policies, parameter checks, handler context, audit
 * record, span, metrics and log line as `POST /api/v1/tools/{name}`, without its HTTP envelope.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { refusalError } from './refusal-error.js';
import type { Headers } from './caller-auth.js';
import { CallCancellation } from './call-cancellation.js';
import type { InFlightCalls } from './call-cancellation.js';
import { finishFailure, finishSuccess, trustCaller } from './call-outcome.js';
import type { CallState, OutcomeDeps } from './call-outcome.js';
import { runCall } from './call-pipeline.js';
import type { ServedTool } from './call-pipeline.js';
import type { AuditSink, CallProtocol, InvocationObserver } from './observer.js';
import type { ToolCallRequest, ToolCallResult, ToolCalls } from './tool-call-types.js';
import { withoutTraceContext } from './trusted-span.js';

/** The pieces of a server a `ToolCalls` shares with it. */
export interface CallsWiring {
  readonly served: ReadonlyMap<string, ServedTool>;
  readonly deps: Deps;
  readonly observer: InvocationObserver;
  readonly audit: AuditSink | undefined;
  readonly secrets: readonly string[];
  readonly inFlight: InFlightCalls;
  readonly protocol: CallProtocol;
}

/** A `ToolCalls` over tools already served (the execution server shares its own with MCP). */
export function callsOver(wiring: CallsWiring): ToolCalls {
  const { served, deps, observer, protocol } = wiring;
  const outcomeDeps: OutcomeDeps = {
    clock: deps.clock,
    audit: wiring.audit,
    secrets: wiring.secrets,
  };
  const begin = (toolName: string, headers: Headers, remoteAddress: string | undefined) => {
    const invocationId = randomUUID();
    const state: CallState = {
      invocationId,
      startMs: deps.clock.nowMs(),
      toolName,
      span: observer.start({
        toolName: served.has(toolName) ? toolName : undefined,
        invocationId,
        headers,
        protocol,
      }),
      serverLogger: deps.logger,
      boundLogger: undefined,
      needsSignature: false,
      authenticated: false,
      caller: undefined,
      served: served.has(toolName),
      refusal: undefined,
      remoteAddress,
      parameters: undefined,
      conversationId: undefined,
      userId: undefined,
      correlationId: undefined,
      organizationId: undefined,
      attempts: 0,
      admitted: false,
      finished: false,
      durationMs: 0,
    };
    return state;
  };

  const call = async (request: ToolCallRequest): Promise<ToolCallResult> => {
    const state = begin(request.toolName, request.headers, request.remoteAddress);
    trustCaller(state, request.headers, request.caller ?? 'none');
    state.parameters = request.parameters;
    const cancellation = new CallCancellation();
    const onCancel = (): void => {
      cancellation.cancel('cancelled');
    };
    request.signal?.addEventListener('abort', onCancel, { once: true });
    try {
      if (request.signal?.aborted === true) onCancel();
      const tool = served.get(request.toolName);
      if (tool === undefined) {
        throw refusalError('UNKNOWN_TOOL', `no tool named "${request.toolName}" is served here.`);
      }
      const output = await runCall(tool, state, {
        parameters: request.parameters,
        call: cancellation,
        inFlight: wiring.inFlight,
      });
      const failure = await finishSuccess(state, outcomeDeps);
      if (failure !== undefined) {
        return { ok: false, error: failure, invocationId: state.invocationId };
      }
      return {
        ok: true,
        output,
        invocationId: state.invocationId,
        durationMs: state.durationMs,
        attempts: state.attempts,
      };
    } catch (error) {
      const failure = await finishFailure(state, outcomeDeps, error);
      return { ok: false, error: failure, invocationId: state.invocationId };
    } finally {
      request.signal?.removeEventListener('abort', onCancel);
    }
  };

  return {
    tools: [...served.values()].map((s) => s.tool),
    call,
    refuse: async ({ reason, headers, remoteAddress }) => {
      // No tool is named yet and the caller is not trusted: no trace context, an empty tool.
      const state = begin('', withoutTraceContext(headers), remoteAddress);
      state.refusal = reason;
      await finishFailure(
        state,
        outcomeDeps,
        refusalError('UNAUTHORIZED', 'credentials are missing or wrong.'),
      );
    },
  };
}
