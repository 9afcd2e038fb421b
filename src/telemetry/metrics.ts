/**
 * The instruments of the server and the API client on one MeterProvider per telemetry instance
 * (no module-level state). Durations in seconds with explicit buckets: the SDK's defaults are for
 * milliseconds and would squash a seconds histogram into a few buckets (DESIGN).
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import type { AuditEvent } from './audit-log.js';
import { ATTR, CIRCUIT_VALUE, errorLabel, methodLabel, routeLabel } from './labels.js';

/** Bucket bounds in seconds: 5 ms .. 60 s (the invocation deadline is at most 60 s). */
export const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60,
] as const;

/** Error codes counted as rejections (refused before the handler ran to protect the service). */
export const REJECTION_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'OVERLOADED',
  'CIRCUIT_OPEN',
]);

/** Events of the API client (the genesys room emits them; shape copied, not imported). */
export type ClientEvent =
  | {
      readonly type: 'request';
      readonly method: string;
      readonly route: string;
      readonly status: number;
      readonly durationMs: number;
      readonly attempt: number;
      readonly correlationId?: string;
    }
  | {
      readonly type: 'retry';
      readonly method: string;
      readonly route: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly type: 'rate-limited';
      readonly method: string;
      readonly route: string;
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'token'; readonly outcome: 'renewed' | 'failed'; readonly durationMs: number };

/** How an invocation ended, for the instruments. */
export interface InvocationOutcome {
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly httpStatus: number;
  readonly durationMs: number;
}

/** Records measurements; every label value is bounded by the caller or here. */
export interface Instruments {
  invocationStarted(tool: string, protocol: string): void;
  invocationEnded(tool: string, protocol: string, result: InvocationOutcome): void;
  circuitChanged(tool: string, state: keyof typeof CIRCUIT_VALUE): void;
  clientEvent(event: ClientEvent): void;
  auditEvent(event: AuditEvent): void;
}

/**
 * The first 52 bits of a hex hash as a number (exact in a double): a gauge cannot carry the hash
 * itself, and a label with it would make one series per record (labels stay bounded). With the
 * full hash in the log line, it lets a scraper anchor the chain head. Pure.
 */
export function hashPrefixValue(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

/** Builds the instruments on `meter`; `tools` are the served tool names (circuit gauge series). */
export function createInstruments(meter: Meter, tools: readonly string[]): Instruments {
  const duration = meter.createHistogram('http.server.request.duration', {
    description: 'Duration of tool invocations on the execution server.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  const successes = meter.createCounter('genesys_tools.invocation.successes', {
    description: 'Invocations that returned a result.',
  });
  const errors = meter.createCounter('genesys_tools.invocation.errors', {
    description: 'Invocations that ended in an error, by error code.',
  });
  const rejections = meter.createCounter('genesys_tools.invocation.rejections', {
    description: 'Invocations refused by rate limit, concurrency limit or an open circuit.',
  });
  const inFlight = meter.createUpDownCounter('genesys_tools.invocation.in_flight', {
    description: 'Invocations being processed.',
  });
  const circuit = new Map<string, number>(tools.map((t) => [t, CIRCUIT_VALUE.closed]));
  meter
    .createObservableGauge('genesys_tools.circuit.state', {
      description: 'Circuit breaker state per tool: 0 closed, 1 half-open, 2 open.',
    })
    .addCallback((result) => {
      for (const [tool, value] of circuit) result.observe(value, { [ATTR.tool]: tool });
    });
  const clientRequests = meter.createCounter('genesys_tools.client.requests', {
    description: 'HTTP requests of the Genesys Cloud API client (status 0: network error).',
  });
  const clientDuration = meter.createHistogram('genesys_tools.client.request.duration', {
    description: 'Duration of Genesys Cloud API requests.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  const clientRetries = meter.createCounter('genesys_tools.client.retries', {
    description: 'Retries of Genesys Cloud API requests.',
  });
  const clientRateLimited = meter.createCounter('genesys_tools.client.rate_limited', {
    description: 'HTTP 429 answers from Genesys Cloud.',
  });
  const tokenRenewals = meter.createCounter('genesys_tools.client.token.renewals', {
    description: 'OAuth token renewals of the API client, by outcome.',
  });

  const filesDropped = meter.createCounter('genesys_tools.audit.files_dropped', {
    description: 'Audit files deleted by the retention bound (maxFiles, maxTotalBytes).',
  });
  const audit = { healthy: 1, headPrefix: undefined as number | undefined };
  meter
    .createObservableGauge('genesys_tools.audit.sink_healthy', {
      description: 'Whether the audit sink writes (1) or has failed until a probe succeeds (0).',
    })
    .addCallback((result) => {
      result.observe(audit.healthy);
    });
  meter
    .createObservableGauge('genesys_tools.audit.head_hash_prefix', {
      description:
        'First 52 bits of the audit chain head hash, set at rotation and shutdown (the full hash is logged as "audit chain head").',
    })
    .addCallback((result) => {
      if (audit.headPrefix !== undefined) result.observe(audit.headPrefix);
    });

  const route = (method: string, template: string): Attributes => ({
    [ATTR.method]: methodLabel(method),
    [ATTR.route]: routeLabel(template),
  });

  return {
    invocationStarted: (tool, protocol) => {
      inFlight.add(1, { [ATTR.tool]: tool, [ATTR.protocol]: protocol });
    },
    invocationEnded: (tool, protocol, result) => {
      inFlight.add(-1, { [ATTR.tool]: tool, [ATTR.protocol]: protocol });
      const attrs: Attributes = {
        [ATTR.tool]: tool,
        [ATTR.protocol]: protocol,
        [ATTR.status]: result.httpStatus,
      };
      if (result.outcome === 'error') attrs[ATTR.errorType] = errorLabel(result.errorCode);
      duration.record(result.durationMs / 1000, attrs);
      if (result.outcome === 'success') {
        successes.add(1, { [ATTR.tool]: tool, [ATTR.protocol]: protocol });
        return;
      }
      const code = errorLabel(result.errorCode);
      const counted = { [ATTR.tool]: tool, [ATTR.protocol]: protocol, [ATTR.errorType]: code };
      errors.add(1, counted);
      if (REJECTION_CODES.has(code)) rejections.add(1, counted);
    },
    circuitChanged: (tool, state) => {
      if (circuit.has(tool)) circuit.set(tool, CIRCUIT_VALUE[state]);
    },
    auditEvent: (event) => {
      switch (event.type) {
        case 'file-dropped':
          filesDropped.add(1);
          return;
        case 'sink':
          audit.healthy = event.healthy ? 1 : 0;
          return;
        case 'head':
          audit.headPrefix = hashPrefixValue(event.hash);
          return;
      }
    },
    clientEvent: (event) => {
      switch (event.type) {
        case 'request': {
          const attrs = { ...route(event.method, event.route), [ATTR.status]: event.status };
          clientRequests.add(1, attrs);
          clientDuration.record(event.durationMs / 1000, attrs);
          return;
        }
        case 'retry':
          clientRetries.add(1, route(event.method, event.route));
          return;
        case 'rate-limited':
          clientRateLimited.add(1, route(event.method, event.route));
          return;
        case 'token':
          tokenRenewals.add(1, { [ATTR.outcome]: event.outcome });
          return;
      }
    },
  };
}
