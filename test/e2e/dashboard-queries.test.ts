/**
 * deploy/grafana/genesys-tools.json and the shipped rules against the real server (issue 16
 * item 6): promtool parses every dashboard query, and every metric a query or a rule reads is one
 * that a running `serve` of the built CLI exports after some calls.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { DASHBOARD_FILE, shippedRules } from '../support/deploy-files.js';
import { requireBinary, runTool } from '../support/prometheus-bin.js';
import { metricNames } from '../support/promql.js';
import { tempDir } from '../support/temp-dir.js';
import { startReplica } from './replica.js';

/** Series Prometheus itself makes, not the server. */
const PROMETHEUS_SERIES = new Set(['up']);
/**
 * Exported only after an audit write fails, which a test cannot cause in a running `serve`;
 * test/telemetry/audit-metrics.test.ts sees it on /metrics after a real failed write.
 */
const AFTER_AUDIT_FAILURE = new Set(['genesys_tools_audit_records_failed_total']);

interface Target {
  readonly panel: string;
  readonly expr: string;
}

/** Every query of the dashboard's panels (rows included) and of its template variables. */
function dashboardQueries(): { targets: Target[]; variables: string[] } {
  const doc: unknown = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
  const targets: Target[] = [];
  const variables: string[] = [];
  const walk = (node: unknown, panel: string): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child, panel);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const title = 'title' in node && typeof node.title === 'string' ? node.title : panel;
    if ('expr' in node && typeof node.expr === 'string') targets.push({ panel, expr: node.expr });
    if ('definition' in node && typeof node.definition === 'string') {
      variables.push(node.definition);
    }
    for (const value of Object.values(node)) walk(value, title);
  };
  walk(doc, '');
  return { targets, variables };
}

/** A dashboard expression with Grafana's variables replaced by values PromQL accepts. */
function asPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replace(/\$\{?(instance|tool)\}?/g, '.*');
}

/** The selector inside `label_values(selector, label)`. */
function variableSelector(definition: string): string {
  const m = /^label_values\((.+),\s*[a-zA-Z_]+\)$/.exec(definition);
  if (m === null) throw new Error(`unexpected variable query ${definition}`);
  return m[1] ?? '';
}

describe('the Grafana dashboard', () => {
  it('shows what the issue asks for', () => {
    const { targets } = dashboardQueries();
    const all = targets.map((t) => t.expr).join('\n');
    for (const needed of [
      'genesys_tools_invocation_successes_total',
      'genesys_tools_invocation_errors_total',
      'histogram_quantile(0.5,',
      'histogram_quantile(0.95,',
      'histogram_quantile(0.99,',
      'error_type',
      'genesys_tools_circuit_state',
      'error_type="RATE_LIMITED"',
      'genesys_tools_audit_records_written_total',
      'genesys_tools_audit_records_failed_total',
      'process_cpu_time_seconds_total',
      'process_memory_usage_bytes',
    ]) {
      expect(all, needed).toContain(needed);
    }
  });

  it('has promtool parse every query', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const { targets, variables } = dashboardQueries();
    expect(targets.length).toBeGreaterThan(15);
    const rules = [...targets.map((t) => asPromQL(t.expr)), ...variables.map(variableSelector)].map(
      (expr, i) => ({ record: `dashboard:query_${i}`, expr }),
    );
    const file = join(tempDir(), 'dashboard.rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const result = await runTool(promtool, ['check', 'rules', file]);
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('promtool refuses a query that does not parse (the check can fail)', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const file = join(tempDir(), 'bad.rules.yml');
    const rules = [{ record: 'dashboard:bad', expr: 'sum by (x (rate(foo[1m]))' }];
    writeFileSync(file, stringify({ groups: [{ name: 'bad', rules }] }));
    expect((await runTool(promtool, ['check', 'rules', file])).code).not.toBe(0);
  });

  it('and the rules read only metrics a running serve exports', async () => {
    const replica = await startReplica();
    // An accepted call, a rate-limited one, two failures that open a breaker and a refused one.
    expect(await replica.call('echo')).toBe(200);
    expect(await replica.call('echo')).toBe(429);
    expect([await replica.call('backend_down'), await replica.call('backend_down')]).toEqual([
      500, 500,
    ]);
    expect(await replica.call('backend_down')).toBe(503);
    // Event-loop delay reports after its first samples, GC after a collection: poll, bounded.
    const text = await vi.waitFor(
      async () => {
        const t = await replica.scrape();
        expect(t).toContain('nodejs_eventloop_delay_p99_seconds ');
        expect(t).toContain('v8js_gc_duration_seconds_sum');
        return t;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(await replica.daemon.stop()).toBe(0);
    const exported = new Set(
      text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)?.[0] ?? ''),
    );
    const rules = shippedRules();
    const recorded = new Set(rules.flatMap((r) => (r.record === undefined ? [] : [r.record])));
    const { targets, variables } = dashboardQueries();
    const used = [
      ...targets.map((t) => ({ where: `panel "${t.panel}"`, expr: asPromQL(t.expr) })),
      ...variables.map((v) => ({ where: 'variable', expr: variableSelector(v) })),
      ...rules.map((r) => ({ where: `rule ${r.alert ?? r.record ?? ''}`, expr: r.expr })),
    ];
    const unknown = used.flatMap(({ where, expr }) =>
      [...metricNames(expr)]
        .filter(
          (name) =>
            !exported.has(name) &&
            !recorded.has(name) &&
            !PROMETHEUS_SERIES.has(name) &&
            !AFTER_AUDIT_FAILURE.has(name),
        )
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The exceptions are real names too.
    expect(exported.has('genesys_tools_invocation_rejections_total')).toBe(true);
  }, 60_000);
});

describe('metricNames', () => {
  it('finds the metric names of an expression and nothing else', () => {
    expect(
      metricNames(
        'sum by (a, le) (rate(foo_seconds_bucket{b="c",d=~"x|y"}[5m])) / on (a) group_left max by (a) (bar_total offset 5m) > 0.8 and rec:rule:ratio',
      ),
    ).toEqual(new Set(['foo_seconds_bucket', 'bar_total', 'rec:rule:ratio']));
  });
});
