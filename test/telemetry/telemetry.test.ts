import { describe, expect, it, onTestFinished } from 'vitest';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import type { Telemetry, TelemetryOptions } from '../../src/telemetry/create-telemetry.js';
import { startOtlpCollector } from '../support/otlp-receiver.js';
import { parsePrometheusText, valueOf } from './prometheus-text.js';

const TOOLS = ['check_inventory', 'lookup_order'];

async function telemetry(options: Partial<TelemetryOptions> = {}): Promise<Telemetry> {
  const t = await createTelemetry({ toolNames: TOOLS, metricsPort: 0, ...options });
  onTestFinished(() => t.shutdown());
  return t;
}

function call(
  t: Telemetry,
  toolName: string | undefined,
  result: {
    outcome: 'success' | 'error';
    errorCode?: string;
    httpStatus: number;
    durationMs: number;
  },
  headers: Record<string, string> = {},
): string | undefined {
  const span = t.observer.start({ toolName, invocationId: `inv-${Math.random()}`, headers });
  span.end({ attempts: 1, ...result });
  return span.traceId;
}

async function scrape(t: Telemetry) {
  const response = await fetch(t.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(await response.text());
}

describe('createTelemetry metrics', () => {
  it('exposes invocation counts, durations in seconds and errors by code on /metrics', async () => {
    const t = await telemetry();
    call(t, 'check_inventory', { outcome: 'success', httpStatus: 200, durationMs: 20 });
    call(t, 'check_inventory', { outcome: 'success', httpStatus: 200, durationMs: 700 });
    call(t, 'check_inventory', {
      outcome: 'error',
      errorCode: 'EXECUTION_FAILURE',
      httpStatus: 500,
      durationMs: 3,
    });
    const m = await scrape(t);
    const tool = { gen_ai_tool_name: 'check_inventory' };
    expect(m.types.get('http_server_request_duration_seconds')).toBe('histogram');
    expect(valueOf(m, 'genesys_tools_invocation_successes_total', tool)).toBe(2);
    expect(
      valueOf(m, 'genesys_tools_invocation_errors_total', {
        ...tool,
        error_type: 'EXECUTION_FAILURE',
      }),
    ).toBe(1);
    const ok = { ...tool, http_response_status_code: '200' };
    expect(valueOf(m, 'http_server_request_duration_seconds_count', ok)).toBe(2);
    expect(valueOf(m, 'http_server_request_duration_seconds_sum', ok)).toBeCloseTo(0.72);
    expect(valueOf(m, 'http_server_request_duration_seconds_bucket', { ...ok, le: '0.025' })).toBe(
      1,
    );
    expect(valueOf(m, 'http_server_request_duration_seconds_bucket', { ...ok, le: '0.75' })).toBe(
      2,
    );
    expect(valueOf(m, 'http_server_request_duration_seconds_bucket', { ...ok, le: '60' })).toBe(2);
    expect(valueOf(m, 'genesys_tools_invocation_in_flight', tool)).toBe(0);
  });

  it('counts in-flight invocations until they end', async () => {
    const t = await telemetry();
    const a = t.observer.start({ toolName: 'lookup_order', invocationId: 'a', headers: {} });
    t.observer.start({ toolName: 'lookup_order', invocationId: 'b', headers: {} });
    a.end({ outcome: 'success', httpStatus: 200, durationMs: 1, attempts: 1 });
    a.end({ outcome: 'success', httpStatus: 200, durationMs: 1, attempts: 1 });
    const m = await scrape(t);
    expect(
      valueOf(m, 'genesys_tools_invocation_in_flight', { gen_ai_tool_name: 'lookup_order' }),
    ).toBe(1);
    expect(valueOf(m, 'genesys_tools_invocation_successes_total')).toBe(1);
  });

  it.each(['RATE_LIMITED', 'OVERLOADED', 'CIRCUIT_OPEN'])(
    'counts %s as a rejection',
    async (code) => {
      const t = await telemetry();
      call(t, 'lookup_order', {
        outcome: 'error',
        errorCode: code,
        httpStatus: 429,
        durationMs: 0,
      });
      call(t, 'lookup_order', {
        outcome: 'error',
        errorCode: 'TIMEOUT',
        httpStatus: 504,
        durationMs: 0,
      });
      const m = await scrape(t);
      expect(
        valueOf(m, 'genesys_tools_invocation_rejections_total', {
          gen_ai_tool_name: 'lookup_order',
          error_type: code,
        }),
      ).toBe(1);
      expect(
        valueOf(m, 'genesys_tools_invocation_rejections_total', { error_type: 'TIMEOUT' }),
      ).toBe(undefined);
    },
  );

  it('labels unknown tools and odd error codes with fixed values, never ids', async () => {
    const t = await telemetry();
    call(t, undefined, {
      outcome: 'error',
      errorCode: 'NOT_FOUND',
      httpStatus: 404,
      durationMs: 1,
    });
    call(t, 'not-served-3f2a', {
      outcome: 'error',
      errorCode: 'oops 123',
      httpStatus: 500,
      durationMs: 1,
    });
    const text = await t.collectPrometheusText();
    expect(text).not.toContain('not-served-3f2a');
    expect(text).not.toContain('inv-');
    const m = parsePrometheusText(text);
    expect(
      valueOf(m, 'genesys_tools_invocation_errors_total', {
        gen_ai_tool_name: '_unknown',
        error_type: '_OTHER',
      }),
    ).toBe(1);
  });

  it('reports each served tool circuit state: 0 closed, 1 half-open, 2 open', async () => {
    const t = await telemetry();
    t.observer.circuitChanged('check_inventory', 'open');
    t.observer.circuitChanged('lookup_order', 'half-open');
    t.observer.circuitChanged('unserved', 'open');
    let m = await scrape(t);
    const gauge = 'genesys_tools_circuit_state';
    expect(valueOf(m, gauge, { gen_ai_tool_name: 'check_inventory' })).toBe(2);
    expect(valueOf(m, gauge, { gen_ai_tool_name: 'lookup_order' })).toBe(1);
    expect(m.samples.filter((s) => s.name === gauge)).toHaveLength(2);
    t.observer.circuitChanged('check_inventory', 'closed');
    m = await scrape(t);
    expect(valueOf(m, gauge, { gen_ai_tool_name: 'check_inventory' })).toBe(0);
  });

  it('counts client requests by method, route template and status, retries, 429s and token renewals', async () => {
    const t = await telemetry();
    const route = '/api/v2/integrations/actions/{actionId}';
    t.onClientEvent({
      type: 'request',
      method: 'get',
      route,
      status: 429,
      durationMs: 40,
      attempt: 1,
    });
    t.onClientEvent({ type: 'rate-limited', method: 'GET', route, retryAfterMs: 1000 });
    t.onClientEvent({
      type: 'retry',
      method: 'GET',
      route,
      attempt: 2,
      delayMs: 1000,
      reason: '429',
    });
    t.onClientEvent({
      type: 'request',
      method: 'GET',
      route: '/api/v2/integrations/actions/3fa85f64-5717-4562-b3fc-2c963f66afa6',
      status: 200,
      durationMs: 35,
      attempt: 2,
      correlationId: 'corr-abc',
    });
    t.onClientEvent({ type: 'token', outcome: 'renewed', durationMs: 12 });
    t.onClientEvent({ type: 'token', outcome: 'failed', durationMs: 12 });
    const text = await t.collectPrometheusText();
    expect(text).not.toContain('3fa85f64');
    expect(text).not.toContain('corr-abc');
    const m = parsePrometheusText(text);
    const labels = { http_request_method: 'GET', http_route: route };
    const requests = 'genesys_tools_client_requests_total';
    expect(valueOf(m, requests, { ...labels, http_response_status_code: '429' })).toBe(1);
    expect(
      valueOf(m, requests, {
        ...labels,
        http_route: '/api/v2/integrations/actions/{id}',
        http_response_status_code: '200',
      }),
    ).toBe(1);
    expect(valueOf(m, 'genesys_tools_client_retries_total', labels)).toBe(1);
    expect(valueOf(m, 'genesys_tools_client_rate_limited_total', labels)).toBe(1);
    const renewals = 'genesys_tools_client_token_renewals_total';
    expect(valueOf(m, renewals, { genesys_tools_outcome: 'renewed' })).toBe(1);
    expect(valueOf(m, renewals, { genesys_tools_outcome: 'failed' })).toBe(1);
  });

  it('serves the same exposition on /metrics as collectPrometheusText and 404 elsewhere', async () => {
    // Without the process metrics, whose values change between two collections.
    const t = await telemetry({ runtimeMetrics: false });
    call(t, 'check_inventory', { outcome: 'success', httpStatus: 200, durationMs: 5 });
    const served = await (await fetch(t.metricsUrl!)).text();
    expect(served).toBe(await t.collectPrometheusText());
    expect((await fetch(t.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('keeps metrics per instance', async () => {
    const a = await telemetry({ metricsPort: false });
    const b = await telemetry({ metricsPort: false });
    expect(a.metricsUrl).toBeUndefined();
    call(a, 'check_inventory', { outcome: 'success', httpStatus: 200, durationMs: 5 });
    const m = parsePrometheusText(await b.collectPrometheusText());
    expect(valueOf(m, 'genesys_tools_invocation_successes_total')).toBeUndefined();
  });

  it('rejects unknown options with CONFIG_INVALID', async () => {
    const options = { toolNames: [], metricsPort: 0, prefix: 'x' };
    await expect(createTelemetry(options)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('createTelemetry traces', () => {
  it('continues the caller trace from traceparent and returns its trace id', async () => {
    const t = await telemetry({ metricsPort: false });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const id = call(
      t,
      'check_inventory',
      { outcome: 'success', httpStatus: 200, durationMs: 1 },
      {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    );
    expect(id).toBe(traceId);
  });

  it.each([
    ['no traceparent', {}],
    ['a malformed traceparent', { traceparent: '00-zzzz-00f067aa0ba902b7-01' }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }],
  ])('starts a new trace with a real id given %s', async (_label, headers) => {
    const t = await telemetry({ metricsPort: false });
    const a = call(
      t,
      'check_inventory',
      { outcome: 'success', httpStatus: 200, durationMs: 1 },
      headers,
    );
    const b = call(
      t,
      'check_inventory',
      { outcome: 'success', httpStatus: 200, durationMs: 1 },
      headers,
    );
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe('0'.repeat(32));
    expect(a).not.toBe(b);
  });
});

describe('createTelemetry OTLP export', () => {
  it('exports invocation spans over OTLP/HTTP to the given endpoint on shutdown', async () => {
    const collector = await startOtlpCollector();
    const t = await createTelemetry({
      toolNames: TOOLS,
      metricsPort: false,
      otlpEndpoint: collector.url,
    });
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    call(
      t,
      'lookup_order',
      { outcome: 'success', httpStatus: 200, durationMs: 1 },
      {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    );
    await t.shutdown();
    expect(collector.received.map((r) => r.path)).toContain('/v1/traces');
    const bodies = collector.received.map((r) => r.text).join('');
    expect(bodies).toContain(traceId);
    expect(bodies).toContain('execute_tool lookup_order');
  });

  it('refuses traceExporter otlp without an endpoint', async () => {
    await expect(
      createTelemetry({ toolNames: [], metricsPort: false, traceExporter: 'otlp' }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
