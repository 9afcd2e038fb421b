/**
 * Traces: a SERVER span per invocation continuing the caller's W3C trace (`traceparent`), a CLIENT
 * span per API request of the client. One provider per telemetry instance, never registered
 * globally; without an OTLP endpoint no span is made, and an invocation still has a real trace id.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import type { Span, TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  RandomIdGenerator,
} from '@opentelemetry/sdk-trace-base';
import { ATTR, errorLabel, methodLabel, routeLabel } from './labels.js';
import type { ClientEvent, InvocationOutcome } from './metrics.js';

/** Incoming headers as Node and Fastify give them (lower-case names). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const headerGetter: TextMapGetter<IncomingHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    return typeof value === 'string' ? value : value?.[0];
  },
};

/** A started invocation span. */
export interface InvocationTrace {
  readonly traceId: string;
  end(result: InvocationOutcome): void;
}

/** The tracer side of telemetry. */
export interface Tracing {
  startInvocation(tool: string, invocationId: string, headers: IncomingHeaders): InvocationTrace;
  /** A CLIENT span for a finished API request, back-dated by its duration. */
  clientRequest(event: Extract<ClientEvent, { type: 'request' }>, endMs: number): void;
  shutdown(): Promise<void>;
}

/** The OTLP/HTTP traces URL for an endpoint given as OTEL_EXPORTER_OTLP_ENDPOINT (base URL). */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * Without an exporter nothing would read the spans: none are made. An invocation still gets a
 * trace id for its log lines: the caller's (W3C `traceparent`), or a fresh random one. Starting a
 * non-recording span for that was 2–3 % of a call (bench/profile-calls.ts).
 */
function untracedTracing(): Tracing {
  const propagator = new W3CTraceContextPropagator();
  const ids = new RandomIdGenerator();
  const ended = (): void => undefined;
  return {
    startInvocation: (_tool, _invocationId, headers) => {
      const parent = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, headerGetter));
      const traceId =
        parent !== undefined && isSpanContextValid(parent) ? parent.traceId : ids.generateTraceId();
      return { traceId, end: ended };
    },
    clientRequest: () => undefined,
    shutdown: () => Promise.resolve(),
  };
}

/** Builds the tracer; exports over OTLP/HTTP only when `otlpEndpoint` is given. */
export function createTracing(options: {
  readonly resource: Resource;
  readonly otlpEndpoint: string | undefined;
}): Tracing {
  if (options.otlpEndpoint === undefined) return untracedTracing();
  const provider = new BasicTracerProvider({
    resource: options.resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) })),
    ],
  });
  const tracer = provider.getTracer('genesys-tools');
  const propagator = new W3CTraceContextPropagator();

  return {
    startInvocation: (tool, invocationId, headers) => {
      const parent = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
      const span: Span = tracer.startSpan(
        `execute_tool ${tool}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR.operation]: 'execute_tool',
            [ATTR.tool]: tool,
            [ATTR.invocationId]: invocationId,
          },
        },
        parent,
      );
      return {
        traceId: span.spanContext().traceId,
        end: (result) => {
          span.setAttribute(ATTR.status, result.httpStatus);
          if (result.outcome === 'error') {
            span.setAttribute(ATTR.errorType, errorLabel(result.errorCode));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
    clientRequest: (event, endMs) => {
      const method = methodLabel(event.method);
      const route = routeLabel(event.route);
      const span = tracer.startSpan(`${method} ${route}`, {
        kind: SpanKind.CLIENT,
        startTime: endMs - event.durationMs,
        attributes: {
          [ATTR.method]: method,
          [ATTR.route]: route,
          [ATTR.status]: event.status,
          'http.request.resend_count': event.attempt - 1,
        },
      });
      if (event.status === 0 || event.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(endMs);
    },
    shutdown: () => provider.shutdown(),
  };
}
