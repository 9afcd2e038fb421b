/**
 * W3C trace context is honoured only from authenticated callers (issue 14 §12): a refused caller
 * must not choose the trace id written on the server's log lines, or it could poison log
 * correlation. A signed call is authenticated only once its body is read, so its span starts then.
 */
import type { Headers } from './caller-auth.js';
import type { InvocationResult, InvocationSpan } from './observer.js';

/** The headers without `traceparent` and `tracestate` (the same object when they carry neither). */
export function withoutTraceContext(headers: Headers): Headers {
  if (headers.traceparent === undefined && headers.tracestate === undefined) return headers;
  const rest: Record<string, Headers[string]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'traceparent' && name !== 'tracestate') rest[name] = value;
  }
  return rest;
}

/**
 * A span started on first use: with the caller's trace context when `trust()` was called before,
 * without it otherwise.
 */
export class DeferredSpan implements InvocationSpan {
  readonly #start: (headers: Headers) => InvocationSpan;
  readonly #headers: Headers;
  #span: InvocationSpan | undefined;
  #trusted = false;

  constructor(start: (headers: Headers) => InvocationSpan, headers: Headers) {
    this.#start = start;
    this.#headers = headers;
  }

  /** The caller is authenticated: its trace context may be used. */
  trust(): void {
    this.#trusted = true;
  }

  get traceId(): string | undefined {
    return this.#started().traceId;
  }

  end(result: InvocationResult): void {
    this.#started().end(result);
  }

  #started(): InvocationSpan {
    this.#span ??= this.#start(this.#trusted ? this.#headers : withoutTraceContext(this.#headers));
    return this.#span;
  }
}
