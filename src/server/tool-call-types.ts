/**
 * The shapes faces other than the invocation route use to reach the call pipeline: one call and
 * its result, `ToolCalls`, and what a face mounted on the execution server's app gets.
 */
import type { ToolDefinition } from '../definition/index.js';
import type { InvocationError } from '../errors.js';
import type { AuthResult, Headers } from './caller-auth.js';

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
