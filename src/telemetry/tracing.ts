/**
 * Traces: a SERVER span per invocation continuing the caller's W3C trace (`traceparent`), a CLIENT
 * span per API request of the client. One provider per telemetry instance, never registered
 * globally; without an OTLP endpoint spans are not exported but carry real ids.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Span, TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
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

/** Builds the tracer; exports over OTLP/HTTP only when `otlpEndpoint` is given. */
export function createTracing(options: {
  readonly resource: Resource;
  readonly otlpEndpoint: string | undefined;
}): Tracing {
  const spanProcessors =
    options.otlpEndpoint === undefined
      ? []
      : [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }))];
  // Without an exporter nothing would read the spans: do not record them (a non-recording span
  // still carries the caller's trace id, or a fresh random one, which the logs need).
  const provider = new BasicTracerProvider({
    resource: options.resource,
    spanProcessors,
    ...(options.otlpEndpoint === undefined ? { sampler: new AlwaysOffSampler() } : {}),
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
