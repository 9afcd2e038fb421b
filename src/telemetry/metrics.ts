/**
 * The execution server's instruments on one MeterProvider per telemetry instance (no module-level
 * state): invocation durations and outcomes, in-flight calls, and per tool the breaker state and
 * the policies an operator compares the traffic with (timeout budget, rate limit). The client's
 * and the audit log's instruments are in client-metrics.ts and audit-metrics.ts.
 */
import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type { AuditEvent } from './audit-log.js';
import { createAuditInstruments } from './audit-metrics.js';
import { createClientInstruments } from './client-metrics.js';
import type { ClientEvent } from './client-metrics.js';
import { ATTR, CIRCUIT_VALUE, errorLabel } from './labels.js';
import { DURATION_BUCKETS_S } from './metric-buckets.js';

export type { ClientEvent } from './client-metrics.js';

/** Error codes counted as rejections (refused before the handler ran to protect the service). */
export const REJECTION_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'OVERLOADED',
  'CIRCUIT_OPEN',
]);

/** How an invocation ended, for the instruments. */
export interface InvocationOutcome {
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly httpStatus: number;
  readonly durationMs: number;
}

/** A served tool's policies, exported as gauges so that rules can compare traffic with them. */
export interface ToolPolicyInfo {
  readonly name: string;
  /** The whole invocation's budget (the tool's `timeoutMs`). */
  readonly timeoutMs: number;
  readonly requestsPerMinute: number;
  readonly burstSize: number;
}

/** Records measurements; every label value is bounded by the caller or here. */
export interface Instruments {
  invocationStarted(tool: string, protocol: string): void;
  invocationEnded(tool: string, protocol: string, result: InvocationOutcome): void;
  circuitChanged(tool: string, state: keyof typeof CIRCUIT_VALUE): void;
  clientEvent(event: ClientEvent): void;
  auditEvent(event: AuditEvent): void;
}

/** The series of one tool and protocol, with their attribute objects made once. */
interface Line {
  readonly attrs: Attributes;
  started: boolean;
  inFlight: number;
  successes: number;
  readonly errors: Map<
    string,
    { readonly code: string; count: number; readonly attrs: Attributes }
  >;
  /** The histogram's attributes for a status and error code (undefined for a success). */
  durationAttrs(status: number, errorType: string | undefined): Attributes;
}

function newLine(tool: string, protocol: string): Line {
  const attrs: Attributes = { [ATTR.tool]: tool, [ATTR.protocol]: protocol };
  // Bounded: statuses and error codes are bounded sets (labels.ts). '' stands for a success.
  const byStatus = new Map<number, Map<string, Attributes>>();
  return {
    attrs,
    started: false,
    inFlight: 0,
    successes: 0,
    errors: new Map(),
    durationAttrs: (status, errorType) => {
      let byError = byStatus.get(status);
      if (byError === undefined) {
        byError = new Map();
        byStatus.set(status, byError);
      }
      let out = byError.get(errorType ?? '');
      if (out === undefined) {
        out = { ...attrs, [ATTR.status]: status };
        if (errorType !== undefined) out[ATTR.errorType] = errorType;
        byError.set(errorType ?? '', out);
      }
      return out;
    },
  };
}

/** One gauge series per tool policy, read from `policies` at each collection. */
function policyGauge(
  meter: Meter,
  name: string,
  description: string,
  unit: string,
  value: (p: ToolPolicyInfo) => number,
  policies: readonly ToolPolicyInfo[],
): void {
  meter
    .createObservableGauge(name, { description, unit })
    .addCallback((result: ObservableResult) => {
      for (const p of policies) result.observe(value(p), { [ATTR.tool]: p.name });
    });
}

/**
 * Builds the instruments on `meter`; `tools` are the served tool names (circuit gauge series),
 * `policies` the served tools' policies (those of tools not served are ignored).
 */
export function createInstruments(
  meter: Meter,
  tools: readonly string[],
  policies: readonly ToolPolicyInfo[] = [],
): Instruments {
  const duration = meter.createHistogram('http.server.request.duration', {
    description: 'Duration of tool invocations on the execution server.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  // Counts are kept here per series and reported at collection (observable instruments): a call
  // costs a few increments instead of an attributes object and the SDK's attribute hashing per
  // instrument (4 per call: `hashAttributes` was 2–3 % of a call, bench/profile-calls.ts). The
  // exposition is the same: an observable counter is a monotonic sum as a counter is.
  const lines = new Map<string, Map<string, Line>>();
  const lineOf = (tool: string, protocol: string): Line => {
    let byProtocol = lines.get(tool);
    if (byProtocol === undefined) {
      byProtocol = new Map();
      lines.set(tool, byProtocol);
    }
    let line = byProtocol.get(protocol);
    if (line === undefined) {
      line = newLine(tool, protocol);
      byProtocol.set(protocol, line);
    }
    return line;
  };
  const each = (visit: (line: Line) => void): void => {
    for (const byProtocol of lines.values()) for (const line of byProtocol.values()) visit(line);
  };
  meter
    .createObservableCounter('genesys_tools.invocation.successes', {
      description: 'Invocations that returned a result.',
    })
    .addCallback((result) => {
      each((line) => {
        if (line.successes > 0) result.observe(line.successes, line.attrs);
      });
    });
  meter
    .createObservableCounter('genesys_tools.invocation.errors', {
      description: 'Invocations that ended in an error, by error code.',
    })
    .addCallback((result) => {
      each((line) => {
        for (const e of line.errors.values()) result.observe(e.count, e.attrs);
      });
    });
  meter
    .createObservableCounter('genesys_tools.invocation.rejections', {
      description: 'Invocations refused by rate limit, concurrency limit or an open circuit.',
    })
    .addCallback((result) => {
      each((line) => {
        for (const e of line.errors.values()) {
          if (REJECTION_CODES.has(e.code)) result.observe(e.count, e.attrs);
        }
      });
    });
  meter
    .createObservableUpDownCounter('genesys_tools.invocation.in_flight', {
      description: 'Invocations being processed.',
    })
    .addCallback((result) => {
      each((line) => {
        if (line.started) result.observe(line.inFlight, line.attrs);
      });
    });
  const circuit = new Map<string, number>(tools.map((t) => [t, CIRCUIT_VALUE.closed]));
  meter
    .createObservableGauge('genesys_tools.circuit.state', {
      description: 'Circuit breaker state per tool: 0 closed, 1 half-open, 2 open.',
    })
    .addCallback((result) => {
      for (const [tool, value] of circuit) result.observe(value, { [ATTR.tool]: tool });
    });
  const served = policies.filter((p) => circuit.has(p.name));
  policyGauge(
    meter,
    'genesys_tools.tool.timeout_seconds',
    "The tool's timeout: the budget of a whole invocation, retries included.",
    's',
    (p) => p.timeoutMs / 1000,
    served,
  );
  policyGauge(
    meter,
    'genesys_tools.tool.rate_limit_per_minute',
    "The tool's rate limit: calls admitted per minute, per replica unless the limit is shared.",
    '{call}/min',
    (p) => p.requestsPerMinute,
    served,
  );
  policyGauge(
    meter,
    'genesys_tools.tool.rate_limit_burst',
    "The tool's rate-limit burst: calls admitted at once after an idle period.",
    '{call}',
    (p) => p.burstSize,
    served,
  );

  return {
    invocationStarted: (tool, protocol) => {
      const line = lineOf(tool, protocol);
      line.started = true;
      line.inFlight += 1;
    },
    invocationEnded: (tool, protocol, result) => {
      const line = lineOf(tool, protocol);
      line.inFlight -= 1;
      if (result.outcome === 'success') {
        line.successes += 1;
        duration.record(result.durationMs / 1000, line.durationAttrs(result.httpStatus, undefined));
        return;
      }
      const code = errorLabel(result.errorCode);
      duration.record(result.durationMs / 1000, line.durationAttrs(result.httpStatus, code));
      let counted = line.errors.get(code);
      if (counted === undefined) {
        counted = { code, count: 0, attrs: { ...line.attrs, [ATTR.errorType]: code } };
        line.errors.set(code, counted);
      }
      counted.count += 1;
    },
    circuitChanged: (tool, state) => {
      if (circuit.has(tool)) circuit.set(tool, CIRCUIT_VALUE[state]);
    },
    clientEvent: createClientInstruments(meter),
    auditEvent: createAuditInstruments(meter),
  };
}
