/**
 * `createToolCalls`: the tools' call pipeline without an HTTP server, for a face with its own
 * transport (MCP over stdio), and its options.
 */
import { z } from 'zod';
import { systemDeps } from '../deps.js';
import type { Deps } from '../deps.js';
import type { ToolDefinition } from '../definition/index.js';
import { ConfigError } from '../errors.js';
import { InFlightCalls } from './call-cancellation.js';
import type { AuditSink, InvocationObserver } from './observer.js';
import { serveTools } from './serve-tools.js';
import type { ToolCalls } from './tool-call-types.js';
import { callsOver } from './tool-calls.js';

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
