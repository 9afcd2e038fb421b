/**
 * How tools and their outcomes look to an MCP client (issue 17). Pure.
 *
 * MCP splits failures in two (spec 2025-11-25, "Tools" › "Error Handling"): a protocol error for
 * a call that names no tool, and a tool result with `isError: true` for everything the model can
 * act on (bad arguments, a tool that failed or timed out), so that the model reads the message and
 * can correct itself. The wire `error_code`s of the invocation contract stay the same.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../definition/index.js';
import type { InvocationError } from '../errors.js';
import { errorReply, retryAfterSeconds } from '../server/index.js';
import type { ToolCallResult } from '../server/index.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object schema as MCP's `Tool.inputSchema` / `outputSchema` types it. */
type ObjectSchema = Tool['inputSchema'];

function objectSchema(schema: Readonly<Record<string, unknown>>): ObjectSchema | undefined {
  // MCP requires `type: "object"` at the root of both schemas; a tool whose output is not an
  // object lists no outputSchema and answers with text only.
  return schema['type'] === 'object' ? { ...schema, type: 'object' } : undefined;
}

/**
 * A tool as `tools/list` lists it: the canonical JSON Schema 2020-12 of its parameters (no `$ref`,
 * `$schema` set), and its output schema when the output is an object.
 */
export function listedTool(tool: ToolDefinition): Tool {
  const input = objectSchema(tool.inputSchema) ?? { type: 'object' };
  const output = tool.outputSchema === undefined ? undefined : objectSchema(tool.outputSchema);
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: input,
    ...(output === undefined ? {} : { outputSchema: output }),
  };
}

/** The `_meta` of a failed call: the invocation contract's error fields, wire-named. */
function errorMeta(error: InvocationError, invocationId: string): Record<string, unknown> {
  const wire = errorReply(error, invocationId);
  return {
    error_code: wire.error_code,
    invocation_id: wire.invocation_id,
    ...(wire.details === undefined ? {} : { details: wire.details }),
    ...(error.retryAfterMs === undefined
      ? {}
      : { retry_after_seconds: retryAfterSeconds(error.retryAfterMs) }),
  };
}

/** The text a model reads for a failed call: the code, then what happened and how to fix it. */
export function errorText(error: InvocationError): string {
  const retry =
    error.retryAfterMs === undefined
      ? ''
      : ` Retry after ${retryAfterSeconds(error.retryAfterMs)} s.`;
  return `${error.code}: ${error.message}${retry}`;
}

/**
 * The `tools/call` result of a finished call: `structuredContent` (when the output is an object)
 * and its JSON as text, or `isError: true` with the error code in the text and in `_meta`.
 */
export function callResult(result: ToolCallResult): CallToolResult {
  if (!result.ok) {
    return {
      content: [{ type: 'text', text: errorText(result.error) }],
      isError: true,
      _meta: errorMeta(result.error, result.invocationId),
    };
  }
  const meta = {
    invocation_id: result.invocationId,
    duration_ms: result.durationMs,
    attempts: result.attempts,
  };
  const text = JSON.stringify(result.output) ?? 'null';
  return {
    content: [{ type: 'text', text }],
    ...(isPlainObject(result.output) ? { structuredContent: result.output } : {}),
    _meta: meta,
  };
}
