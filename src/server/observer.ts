/**
 * The seams through which telemetry and audit watch the execution server. The server room defines
 * them; the telemetry room implements objects of these shapes without importing them (it imports
 * nothing of ours), and the CLI wires the two together.
 */

/** The protocols a tool is called over (a bounded metric label). */
export type CallProtocol = 'http' | 'mcp';

/** How one invocation ended, as metrics and traces see it. */
export interface InvocationResult {
  readonly outcome: 'success' | 'error';
  /** The wire `error_code` (DESIGN "Invocation contract") when outcome is 'error'. */
  readonly errorCode?: string;
  readonly httpStatus: number;
  readonly durationMs: number;
  /** Handler attempts made (0 when refused before the handler ran). */
  readonly attempts: number;
}

/** A started invocation; `end` is called exactly once. */
export interface InvocationSpan {
  /** W3C trace id of the invocation's span, put on every log line of the call. */
  readonly traceId: string | undefined;
  end(result: InvocationResult): void;
}

/** Metrics and traces of the server. Tool names passed here are only names of served tools. */
export interface InvocationObserver {
  /** A call reached the invocation route. `toolName` is undefined for unknown tools (bounded labels). */
  start(info: {
    readonly toolName: string | undefined;
    readonly invocationId: string;
    /** Incoming headers, for W3C `traceparent` / `tracestate` extraction. */
    readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
    /** The face the call came through: the invocation route, or MCP (HTTP or stdio). */
    readonly protocol: CallProtocol;
    /**
     * False for a call refused before authentication: counted in the metrics, no span (nothing it
     * did is traced work, and a flood of them must not cost a span each). True when absent.
     */
    readonly traced?: boolean;
  }): InvocationSpan;
  /** A tool's circuit breaker changed state. */
  circuitChanged(toolName: string, state: 'closed' | 'open' | 'half-open'): void;
}

/** One audit entry per invocation, accepted or refused (DESIGN "Telemetry and audit"). */
export interface AuditEntry {
  /** ISO-8601. */
  readonly time: string;
  readonly invocationId: string;
  /** The tool named in the path (as given, even when unknown). */
  readonly tool: string;
  readonly conversationId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  /** The parameters as received; the audit log stores only the SHA-256 of their canonical JSON. */
  readonly parameters: unknown;
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly durationMs: number;
}

/**
 * A call refused before its handler ran (unauthenticated, bad request or parameters, rate limit,
 * bulkhead full, breaker open): nothing the caller wrote is in it but its address.
 */
export interface AuditRefusal {
  /**
   * Before authentication `missing-credentials`, `wrong-credentials`, `bad-signature`, ...; after
   * it the wire code in kebab case: `invalid-parameters`, `rate-limited`, `overloaded`, ...
   */
  readonly reason: string;
  /** The served tool the call named; absent before authentication and for an unknown tool. */
  readonly tool?: string;
  /** The accepted credential's label (`bearer:1`, `basic:2`, `signature`); never the secret. */
  readonly caller?: string;
  /** The connection's peer address. */
  readonly remoteAddress?: string;
  /** Epoch milliseconds. */
  readonly timeMs: number;
}

/** Where audit entries go; `append` resolves once the entry is durable, before the reply is sent. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<void>;
  /**
   * Counts a call refused before its handler ran (the audit log sums them per interval: a refused
   * call must not cost a durable write). A sink without it gets an entry per refusal; for an
   * unauthenticated caller without any id the caller supplied.
   */
  refused?(refusal: AuditRefusal): void;
  /** False while the sink cannot write; `/readyz` answers 503 then. */
  healthy?(): boolean;
}
