/**
 * The call pipeline as other faces than the invocation route use it (issue 17: MCP over Streamable
 * HTTP and over stdio): the same per-tool policies, parameter checks, handler context, audit
 * record, span, metrics and log line as `POST /api/v1/tools/{name}`, without its HTTP envelope.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemDeps } from '../deps.js';
import type { Deps } from '../deps.js';
import { compileOutputValidator, compileParametersValidator } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import type { InvocationError } from '../errors.js';
import { ConfigError } from '../errors.js';
import { refusalError } from './refusal-error.js';
import type { AuthResult, Headers } from './caller-auth.js';
import { CallCancellation, InFlightCalls } from './call-cancellation.js';
import { finishFailure, finishSuccess, trustCaller } from './call-outcome.js';
import type { CallState, OutcomeDeps } from './call-outcome.js';
import { runCall } from './call-pipeline.js';
import type { ServedTool } from './call-pipeline.js';
import type { AuditSink, CallProtocol, InvocationObserver } from './observer.js';
import { createToolPolicies } from './policies.js';
import type { SharedState } from './shared-state.js';
import { withoutTraceContext } from './trusted-span.js';

/** One call as a face hands it over, its caller already authenticated. */
export interface ToolCallRequest {
  readonly toolName: string;
  readonly parameters: Record<string, unknown>;
  /**
   * The headers of the HTTP request that carried the call (W3C trace context, `ININ-*` ids);
   * empty over stdio.
   */
  readonly headers: Headers;
  readonly remoteAddress: string | undefined;
  /** Aborted when the client cancels the call or goes away: the handler's signal aborts then. */
  readonly signal: AbortSignal | undefined;
  /** The accepted credential's label (`bearer:1`, `MountAuthResult.label`); `none` when absent. */
  readonly caller?: string | undefined;
}

/** How a call ended; finished already (audit, span, metrics, log) when the promise resolves. */
export type ToolCallResult =
  | {
      readonly ok: true;
      readonly output: unknown;
      readonly invocationId: string;
      readonly durationMs: number;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly error: InvocationError; readonly invocationId: string };

/** The served tools and their pipeline. */
export interface ToolCalls {
  /** The tools served, with handlers, in the order given. */
  readonly tools: readonly ToolDefinition[];
  /** Runs one call to its end; never rejects. UNKNOWN_TOOL is a result like any other error. */
  call(request: ToolCallRequest): Promise<ToolCallResult>;
  /**
   * Records a caller refused before any call was read: counted by the audit sink, measured and
   * logged at debug, as the invocation route does with its refusals.
   */
  refuse(request: {
    readonly reason: string;
    readonly headers: Headers;
    readonly remoteAddress: string | undefined;
  }): Promise<void>;
}

/** What a face mounted on the execution server's Fastify app gets from the server. */
export interface MountContext {
  readonly calls: ToolCalls;
  /**
   * Checks header credentials: bearer, Basic, API key. Signed calls (Standard Webhooks) sign an
   * invocation envelope, so a face without one refuses them.
   */
  authenticate(headers: Headers): MountAuthResult;
}

/**
 * A face's authentication outcome. `caller` is an opaque id of the credential that was accepted
 * (a digest, never the secret), for state kept per caller; callers sharing a credential share it.
 */
export type MountAuthResult =
  | {
      readonly ok: true;
      readonly caller: string;
      /** The credential's label for refusal summaries (`bearer:1`), never the secret. */
      readonly label: string;
    }
  | Extract<AuthResult, { readonly ok: false }>;

/** Builds the tools' policies and validators once, at start (STYLE §8). */
export function serveTools(
  tools: readonly ToolDefinition[],
  deps: Deps,
  observer: InvocationObserver,
  shared?: SharedState,
): Map<string, ServedTool> {
  const served = new Map<string, ServedTool>();
  for (const tool of tools) {
    if (tool.handler === undefined) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `createToolServer: tool "${tool.name}" has no handler (manifests are for registration only); serve it from a .tool.ts module.`,
      );
    }
    const policies = createToolPolicies(tool, {
      clock: deps.clock,
      onCircuit: (state) => {
        deps.logger.warn({ tool: tool.name, circuit: state }, 'circuit state changed');
        observer.circuitChanged(tool.name, state);
      },
      shared,
    });
    served.set(tool.name, {
      tool,
      handler: tool.handler,
      validateParameters: compileParametersValidator(tool),
      validateOutput: compileOutputValidator(tool),
      policies,
    });
  }
  return served;
}

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Options of `createToolCalls`, for a face that runs without the HTTP server (MCP over stdio). */
export const ToolCallsOptionsSchema = z.strictObject({
  tools: z.array(
    z.custom<ToolDefinition>((v) => isObject(v) && typeof v.name === 'string', {
      message: 'expected a ToolDefinition (made with defineTool or loadTools)',
    }),
  ),
  protocol: z.enum(['http', 'mcp']),
  observer: z
    .custom<InvocationObserver>(
      (v) => isObject(v) && typeof v.start === 'function' && typeof v.circuitChanged === 'function',
      { message: 'expected an InvocationObserver { start, circuitChanged }' },
    )
    .optional(),
  audit: z
    .custom<AuditSink>((v) => isObject(v) && typeof v.append === 'function', {
      message: 'expected an AuditSink { append }',
    })
    .optional(),
});

/** Options of `createToolCalls` as callers write them. */
export type ToolCallsOptions = z.input<typeof ToolCallsOptionsSchema>;

/** Calls of the tools in process, as `ToolCalls`, with an `abortAll` for shutdown. */
export interface StandaloneToolCalls extends ToolCalls {
  /** Aborts the signals of every call in flight. */
  abortAll(): void;
}

const silentObserver: InvocationObserver = {
  start: () => ({ traceId: undefined, end: () => undefined }),
  circuitChanged: () => undefined,
};

/**
 * The tools' call pipeline without an HTTP server, for a face that has its own transport (MCP over
 * stdio). Unauthenticated: the face is responsible for who can reach it.
 * @throws ConfigError CONFIG_INVALID for bad options or a tool without handler.
 */
export function createToolCalls(
  input: ToolCallsOptions,
  depsInput: Partial<Deps> = {},
): StandaloneToolCalls {
  const parsed = ToolCallsOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `createToolCalls: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`,
    );
  }
  const options = parsed.data;
  const deps = systemDeps(depsInput);
  const observer = options.observer ?? silentObserver;
  const inFlight = new InFlightCalls();
  const calls = callsOver({
    served: serveTools(options.tools, deps, observer),
    deps,
    observer,
    audit: options.audit,
    secrets: [],
    inFlight,
    protocol: options.protocol,
  });
  return {
    ...calls,
    abortAll: () => {
      inFlight.abortAll();
    },
  };
}
