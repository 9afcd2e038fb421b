/**
 * The canonical tool definition every room works from (DESIGN "Tool definition").
 * However a tool is written (zod, JSON Schema, the simple parameter map, a YAML/JSON manifest),
 * it becomes one frozen `ToolDefinition` whose schemas are canonical JSON Schema 2020-12.
 */
import type { Logger } from '../deps.js';

/** A JSON Schema object as plain data. */
export type JsonSchema = { readonly [key: string]: unknown };

/** The draft 2020-12 meta-schema URI, set as `$schema` on every canonical schema. */
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** The tool's token bucket, enforced by our execution server (Genesys has no such field). */
export interface RateLimitPolicy {
  readonly requestsPerMinute: number;
  readonly burstSize: number;
  /**
   * With the limit shared in Redis and Redis unreachable: `local-share` admits calls against
   * this replica's share of the limit, `closed` refuses them with STORE_UNAVAILABLE. Optional
   * so that hand-built definitions stay valid; absent means DEFAULT_ON_STORE_DOWN.
   */
  readonly onStoreDown?: StoreDownPolicy;
}

/** What a shared rate limit does while its store is unreachable. */
export type StoreDownPolicy = 'local-share' | 'closed';

/** The default of `rateLimit.onStoreDown`: availability, with each replica serving its share. */
export const DEFAULT_ON_STORE_DOWN: StoreDownPolicy = 'local-share';

/** Bulkhead: calls running at once, and calls allowed to wait for a slot. */
export interface ConcurrencyPolicy {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

/** Consecutive-failure breaker: opens after `consecutiveFailures`, probes after `halfOpenAfterMs`. */
export interface CircuitBreakerPolicy {
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
}

/**
 * What a handler receives besides its parameters. `signal` and `logger` are made on first read
 * (getters): read them from the context itself, since a spread copy (`{ ...context }`) does not
 * carry them.
 */
export interface ToolContext {
  /** Aborted when the tool's timeout passes or the caller goes away; pass it on to fetch etc. */
  readonly signal: AbortSignal;
  readonly invocationId: string;
  readonly toolName: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  readonly conversationId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  readonly organizationId?: string;
  readonly logger: Logger;
}

/** A tool's implementation. Throw `RetryableToolError` for failures worth another attempt. */
export type ToolHandler<I = Record<string, unknown>, O = unknown> = (
  parameters: I,
  context: ToolContext,
) => O | Promise<O>;

/** The canonical, validated, frozen tool. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** Canonical JSON Schema 2020-12 of the parameters: an object schema with `$schema` set. */
  readonly inputSchema: JsonSchema;
  /** Canonical JSON Schema 2020-12 of the output, when declared. */
  readonly outputSchema?: JsonSchema;
  readonly rateLimit: RateLimitPolicy;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly concurrency: ConcurrencyPolicy;
  readonly circuitBreaker: CircuitBreakerPolicy;
  /** Absent for manifests (YAML/JSON): those are served elsewhere, at their `endpoint`. */
  readonly handler?: ToolHandler;
  /**
   * Where a tool without a handler is served: an absolute https:// URL (http:// only to
   * loopback) answering the invocation contract. Its registration calls this URL instead of
   * `{executionUrl}/api/v1/tools/{name}`; a tool with a handler has none.
   */
  readonly endpoint?: string;
  /** The file the tool was loaded from, when it came from one. */
  readonly source?: string;
}

/** Registry targets (DESIGN "What is real"). */
export type TargetName = 'data-actions' | 'gateway';
