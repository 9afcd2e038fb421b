/**
 * The ways an author writes a tool, as `defineTool` accepts them. The handler's parameters come
 * from `input` and, when `output` is a zod schema, its return type is checked against `output` at
 * compile time (issue 15 item 19): a handler that returns the wrong shape does not compile.
 */
import type { z } from 'zod';
import type { ParameterMap } from './to-json-schema.js';
import type { JsonSchema, ToolHandler } from './types.js';

/** A schema as an author may write it: zod, or a plain JSON Schema object. */
export type SchemaInput = z.ZodType | JsonSchema;

/**
 * What a handler must return for an `output` schema: what a zod schema accepts (`z.input`);
 * anything for a JSON Schema object (checked at run time) or when there is no output schema.
 */
export type HandlerResult<O> = O extends z.ZodType ? z.input<O> : unknown;

/** What every way of writing a tool has in common (DESIGN "Tool definition"). */
export interface ToolInputBase<O extends SchemaInput = SchemaInput> {
  /** `^[A-Za-z][A-Za-z0-9_-]{0,63}$`, unique across the loaded tools. */
  readonly name: string;
  /** What the tool does, for the LLM; at most 255 characters. */
  readonly description: string;
  /** The output: zod, or a plain JSON Schema object. Optional. */
  readonly output?: O;
  readonly rateLimit?: {
    readonly requestsPerMinute: number;
    readonly burstSize: number;
    readonly onStoreDown?: 'local-share' | 'closed';
  };
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly concurrency?: { readonly maxConcurrent: number; readonly maxQueue: number };
  readonly circuitBreaker?: {
    readonly consecutiveFailures: number;
    readonly halfOpenAfterMs: number;
  };
  /** The file the tool comes from (set by `loadTools`). */
  readonly source?: string;
  /**
   * For a tool without a handler: the https:// URL that serves it (the invocation contract);
   * its registration calls it instead of the execution server. Not allowed with a handler.
   */
  readonly endpoint?: string;
}

/**
 * A tool whose parameters are a zod object: the handler's parameters are `z.output` of it, and
 * its result must match a zod `output`.
 */
export interface ZodToolInput<
  S extends z.ZodType<Record<string, unknown>>,
  O extends SchemaInput = SchemaInput,
> extends ToolInputBase<O> {
  readonly input: S;
  readonly parameters?: never;
  readonly handler?: ToolHandler<z.output<S>, HandlerResult<O>>;
}

/** A tool whose parameters are a plain JSON Schema object or the simple parameter map. */
export interface PlainToolInput<O extends SchemaInput = SchemaInput> extends ToolInputBase<O> {
  readonly input?: JsonSchema;
  readonly parameters?: ParameterMap;
  readonly handler?: ToolHandler<Record<string, unknown>, HandlerResult<O>>;
}

/** Any way of writing a tool. */
export type ToolInput = ZodToolInput<z.ZodType<Record<string, unknown>>> | PlainToolInput;
