/**
 * The exposition as Prometheus users expect it (issue 16 item 4): base units in the names, no
 * per-series scope label, process and runtime metrics, the tools' policies and the audit sink as
 * series, and `promtool check metrics` content with it.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import type { Telemetry, TelemetryOptions } from '../../src/telemetry/create-telemetry.js';
import { requireBinary, runTool } from '../support/prometheus-bin.js';
import { parsePrometheusText, valueOf } from './prometheus-text.js';

const POLICIES = [
  { name: 'check_inventory', timeoutMs: 2_500, requestsPerMinute: 60, burstSize: 10 },
  { name: 'lookup_order', timeoutMs: 8_000, requestsPerMinute: 600, burstSize: 50 },
];

async function telemetry(options: Partial<TelemetryOptions> = {}): Promise<Telemetry> {
  const t = await createTelemetry({
    toolNames: POLICIES.map((p) => p.name),
    toolPolicies: POLICIES,
    metricsPort: false,
    ...options,
  });
  onTestFinished(() => t.shutdown());
  return t;
}

/**
 * The exposition once the event-loop delay monitor has its first samples (it reports after five,
 * 10 ms apart): polled, bounded.
 */
function exposition(t: Telemetry): Promise<string> {
  return vi.waitFor(
    async () => {
      const text = await t.collectPrometheusText();
      expect(text).toContain('nodejs_eventloop_delay_p99_seconds ');
      return text;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** A telemetry instance that has seen every kind of event, so every family is in the text. */
async function busyExposition(): Promise<string> {
  const t = await telemetry();
  const span = t.observer.start({ toolName: 'check_inventory', invocationId: 'a', headers: {} });
  span.end({ outcome: 'success', httpStatus: 200, durationMs: 20, attempts: 1 });
  const refused = t.observer.start({ toolName: 'lookup_order', invocationId: 'b', headers: {} });
  refused.end({
    outcome: 'error',
    errorCode: 'RATE_LIMITED',
    httpStatus: 429,
    durationMs: 0,
    attempts: 0,
  });
  t.onClientEvent({
    type: 'request',
    method: 'GET',
    route: '/x',
    status: 200,
    durationMs: 3,
    attempt: 1,
  });
  t.onClientEvent({
    type: 'retry',
    method: 'GET',
    route: '/x',
    attempt: 2,
    delayMs: 5,
    reason: '503',
  });
  t.onClientEvent({ type: 'rate-limited', method: 'GET', route: '/x' });
  t.onClientEvent({ type: 'token', outcome: 'renewed', durationMs: 4 });
  t.onAuditEvent({ type: 'written', records: 3 });
  t.onAuditEvent({ type: 'failed', records: 1 });
  t.onAuditEvent({ type: 'file-dropped', bytes: 10 });
  t.onAuditEvent({ type: 'head', hash: 'ab'.repeat(32), trigger: 'rotation' });
  return exposition(t);
}

/** `# UNIT name unit` lines of an exposition. */
function units(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# UNIT (\S+) (\S+)$/gm)) out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

describe('the Prometheus exposition', () => {
  it('puts the base unit in every name whose unit is seconds or bytes', async () => {
    const text = await busyExposition();
    const declared = units(text);
    const timed = [...declared].filter(([, unit]) => unit === 's').map(([name]) => name);
    expect(timed).toEqual(
      expect.arrayContaining([
        'http_server_request_duration_seconds',
        'genesys_tools_client_request_duration_seconds',
        'genesys_tools_tool_timeout_seconds',
        'process_cpu_time_seconds_total',
        'nodejs_eventloop_delay_p99_seconds',
      ]),
    );
    for (const [name, unit] of declared) {
      const base = name.replace(/_total$/, '');
      if (unit === 's') expect(base, name).toMatch(/_seconds$/);
      if (unit === 'By') expect(base, name).toMatch(/_bytes$/);
    }
    // host-metrics declares no unit for memory: its name is fixed by the view table.
    expect(text).toMatch(/^process_memory_usage_bytes \d+$/m);
  });

  it('labels no series with the instrumentation scope', async () => {
    const text = await busyExposition();
    expect(text).not.toContain('otel_scope');
    const m = parsePrometheusText(text);
    expect(m.samples.length).toBeGreaterThan(50);
  });

  it('exports process CPU and memory, event-loop delay, GC and heap metrics', async () => {
    const t = await telemetry();
    // Enough garbage for a minor GC, so the GC histogram has a sample.
    let kept = 0;
    for (let i = 0; i < 50; i++) kept += new Array<number>(100_000).fill(i).length;
    expect(kept).toBe(5_000_000);
    const m = parsePrometheusText(await exposition(t));
    const cpu = valueOf(m, 'process_cpu_time_seconds_total', { process_cpu_state: 'user' });
    expect(cpu).toBeGreaterThan(0);
    expect(valueOf(m, 'process_memory_usage_bytes')).toBeGreaterThan(10_000_000);
    expect(m.types.get('nodejs_eventloop_delay_p99_seconds')).toBe('gauge');
    expect(m.types.get('v8js_gc_duration_seconds')).toBe('histogram');
    expect(m.types.get('v8js_memory_heap_used_bytes')).toBe('gauge');
  });

  it('exports each served tool’s timeout budget and rate limit, and the audit counters', async () => {
    const m = parsePrometheusText(await busyExposition());
    const tool = { gen_ai_tool_name: 'check_inventory' };
    expect(valueOf(m, 'genesys_tools_tool_timeout_seconds', tool)).toBe(2.5);
    expect(valueOf(m, 'genesys_tools_tool_rate_limit_per_minute', tool)).toBe(60);
    expect(valueOf(m, 'genesys_tools_tool_rate_limit_burst', tool)).toBe(10);
    expect(
      valueOf(m, 'genesys_tools_tool_timeout_seconds', { gen_ai_tool_name: 'lookup_order' }),
    ).toBe(8);
    expect(valueOf(m, 'genesys_tools_audit_records_written_total')).toBe(3);
    expect(valueOf(m, 'genesys_tools_audit_records_failed_total')).toBe(1);
    expect(valueOf(m, 'genesys_tools_audit_sink_healthy')).toBe(1);
  });

  it('leaves out the policies of tools that are not served', async () => {
    const t = await telemetry({ toolNames: ['check_inventory'] });
    const m = parsePrometheusText(await t.collectPrometheusText());
    const series = m.samples.filter((s) => s.name === 'genesys_tools_tool_timeout_seconds');
    expect(series.map((s) => s.labels.gen_ai_tool_name)).toEqual(['check_inventory']);
  });

  it('passes promtool check metrics', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const text = await busyExposition();
    const result = await runTool(promtool, ['check', 'metrics'], text);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('promtool check metrics flags what it should (the check can fail)', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const bad =
      '# HELP x_requests A counter without _total.\n# TYPE x_requests counter\nx_requests 1\n';
    const result = await runTool(promtool, ['check', 'metrics'], bad);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/_total/);
  });
});
