/**
 * `createTelemetry`: metrics (Prometheus exposition on a port of its own), traces and the
 * observer the execution server calls. Objects are structurally the server's `InvocationObserver`
 * and the client's event listener; nothing here imports those rooms.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { z } from 'zod';
import type { Clock, Logger } from '../deps.js';
import { silentLogger, systemClock } from '../deps.js';
import type { AuditEvent } from './audit-log.js';
import { protocolLabel, toolLabel } from './labels.js';
import { createInstruments } from './metrics.js';
import type { ClientEvent } from './metrics.js';
import { parseOptions } from './options.js';
import { unitSuffixViews } from './prometheus-names.js';
import { startRuntimeMetrics } from './runtime-metrics.js';
import { createSharedStateInstruments } from './shared-state-metrics.js';
import type { SharedStateEvent } from './shared-state-metrics.js';
import { createTracing } from './tracing.js';
import type { IncomingHeaders } from './tracing.js';

/** Options of `createTelemetry`. */
export const TelemetryOptionsSchema = z
  .strictObject({
    serviceName: z.string().min(1).default('genesys-tools'),
    /** Port of the `/metrics` endpoint; 0 picks a free one (tests); false serves none. */
    metricsPort: z.union([z.number().int().min(0).max(65_535), z.literal(false)]).default(9464),
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /** The served tools: the only values of the tool label besides `_unknown`. */
    toolNames: z.array(z.string().min(1)).readonly(),
    /** The served tools' policies, exported as gauges (timeout budget, rate limit). */
    toolPolicies: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          timeoutMs: z.number().int().positive(),
          requestsPerMinute: z.number().positive(),
          burstSize: z.number().int().positive(),
        }),
      )
      .readonly()
      .default([]),
    /** Process CPU and memory, event-loop delay, GC and heap metrics. */
    runtimeMetrics: z.boolean().default(true),
    /** 'otlp' when an endpoint is given, else 'none' (spans keep real ids but are not exported). */
    traceExporter: z.enum(['otlp', 'none']).optional(),
    /** Base URL as in OTEL_EXPORTER_OTLP_ENDPOINT; `/v1/traces` is appended. */
    otlpEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  })
  .refine((o) => o.traceExporter !== 'otlp' || o.otlpEndpoint !== undefined, {
    message: 'traceExporter "otlp" needs otlpEndpoint (OTEL_EXPORTER_OTLP_ENDPOINT)',
    path: ['otlpEndpoint'],
  });

/** Options of `createTelemetry` as callers write them. */
export type TelemetryOptions = z.input<typeof TelemetryOptionsSchema>;

/** How one invocation ended (the server's `InvocationResult`). */
export interface ObservedResult {
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly httpStatus: number;
  readonly durationMs: number;
  readonly attempts: number;
}

/** A started invocation (the server's `InvocationSpan`). */
export interface ObservedInvocation {
  readonly traceId: string | undefined;
  end(result: ObservedResult): void;
}

/** The server's `InvocationObserver`, structurally. */
export interface TelemetryObserver {
  start(info: {
    readonly toolName: string | undefined;
    readonly invocationId: string;
    readonly headers: IncomingHeaders;
    /** `http` or `mcp` (the metrics' protocol label); `http` when absent. */
    readonly protocol?: string;
    /** False: counted, not traced (a call refused before authentication). */
    readonly traced?: boolean;
  }): ObservedInvocation;
  circuitChanged(toolName: string, state: 'closed' | 'open' | 'half-open'): void;
}

/** Metrics and traces of one process. */
export interface Telemetry {
  readonly observer: TelemetryObserver;
  /** Listener for the API client's events; pass it as is (`onEvent: telemetry.onClientEvent`). */
  readonly onClientEvent: (event: ClientEvent) => void;
  /** Listener for the audit log's events; pass it as is (`onEvent: telemetry.onAuditEvent`). */
  readonly onAuditEvent: (event: AuditEvent) => void;
  /** Listener for the shared state's events (Redis up/down, calls that found it down). */
  readonly onSharedStateEvent: (event: SharedStateEvent) => void;
  /** `http://host:port/metrics`, or undefined when no metrics server runs. */
  readonly metricsUrl: string | undefined;
  /** The current Prometheus exposition text. */
  collectPrometheusText(): Promise<string>;
  /** Stops the metrics server and flushes the span exporter. */
  shutdown(): Promise<void>;
}

/** Effects of telemetry. */
export interface TelemetryDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${actual}/metrics`;
}

/**
 * Starts metrics (and their HTTP endpoint unless `metricsPort` is false) and tracing.
 * @throws ConfigError CONFIG_INVALID on bad options.
 * @throws Error when the metrics port cannot be bound (EADDRINUSE).
 */
export async function createTelemetry(
  options: TelemetryOptions,
  deps: Partial<TelemetryDeps> = {},
): Promise<Telemetry> {
  const o = parseOptions(TelemetryOptionsSchema, options, 'createTelemetry');
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const served: ReadonlySet<string> = new Set(o.toolNames);
  const resource = resourceFromAttributes({ 'service.name': o.serviceName });

  // Our own server instead of the exporter's: it binds port 0 and reports the real port. No
  // `otel_scope_name` label on every series: each name belongs to one meter, so it told nothing.
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const meterProvider = new MeterProvider({
    resource,
    readers: [exporter],
    views: unitSuffixViews(),
  });
  const instruments = createInstruments(
    meterProvider.getMeter('genesys-tools'),
    o.toolNames,
    o.toolPolicies,
  );
  const runtime = o.runtimeMetrics ? startRuntimeMetrics(meterProvider) : undefined;
  const onSharedStateEvent = createSharedStateInstruments(
    meterProvider.getMeter('genesys-tools'),
    served,
  );
  const otlpEndpoint = o.traceExporter === 'none' ? undefined : o.otlpEndpoint;
  const tracing = createTracing({ resource, otlpEndpoint });

  let server: Server | undefined;
  let metricsUrl: string | undefined;
  if (o.metricsPort !== false) {
    const httpServer = createServer((req, res) => {
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
        exporter.getMetricsRequestHandler(req, res);
        return;
      }
      res.statusCode = 404;
      res.end('not found: metrics are at /metrics\n');
    });
    metricsUrl = await listen(httpServer, o.metricsPort, o.metricsHost);
    server = httpServer;
    logger.info({ metricsUrl }, 'metrics endpoint listening');
  }

  const observer: TelemetryObserver = {
    start: (info) => {
      const tool = toolLabel(info.toolName, served);
      const protocol = protocolLabel(info.protocol);
      instruments.invocationStarted(tool, protocol);
      const trace =
        info.traced === false
          ? undefined
          : tracing.startInvocation(tool, info.invocationId, info.headers);
      let ended = false;
      return {
        traceId: trace?.traceId,
        end: (result) => {
          if (ended) return;
          ended = true;
          instruments.invocationEnded(tool, protocol, result);
          trace?.end(result);
        },
      };
    },
    circuitChanged: (toolName, state) => {
      instruments.circuitChanged(toolName, state);
    },
  };

  return {
    observer,
    onClientEvent: (event) => {
      instruments.clientEvent(event);
      if (event.type === 'request') tracing.clientRequest(event, clock.nowMs());
    },
    onAuditEvent: (event) => {
      instruments.auditEvent(event);
    },
    onSharedStateEvent,
    metricsUrl,
    collectPrometheusText: async () => {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: async () => {
      if (server !== undefined) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => {
            resolve();
          });
          s.closeAllConnections();
        });
      }
      runtime?.stop();
      await Promise.all([meterProvider.shutdown(), tracing.shutdown()]);
    },
  };
}
