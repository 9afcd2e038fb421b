/**
 * deploy/prometheus/genesys-tools.rules.yml (issue 16 item 5): promtool accepts the rules and
 * their unit tests pass; every alert has a severity, a summary and a runbook line in the README,
 * and its unit tests have a case where it fires and one where it does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  RULES_FILE,
  RULES_TEST_FILE,
  REPO,
  readYaml,
  shippedRules,
} from '../support/deploy-files.js';
import { requireBinary, runTool } from '../support/prometheus-bin.js';

const alerts = shippedRules().filter((r) => r.alert !== undefined);

const TestFileSchema = z.object({
  tests: z.array(
    z.object({
      alert_rule_test: z
        .array(z.object({ alertname: z.string(), exp_alerts: z.array(z.unknown()).default([]) }))
        .default([]),
    }),
  ),
});

/** The alert_rule_test cases of the unit-test file. */
function alertCases() {
  return TestFileSchema.parse(readYaml(RULES_TEST_FILE)).tests.flatMap((t) => t.alert_rule_test);
}

describe('the shipped Prometheus rules', () => {
  it('has the alerts the issue asks for', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'GenesysToolsCircuitOpen',
      'GenesysToolsErrorRatioHigh',
      'GenesysToolsLatencyNearTimeout',
      'GenesysToolsRateLimitedShare',
      'GenesysToolsAuditSinkFailing',
      'GenesysToolsReplicaDown',
    ]);
  });

  it('gives every alert a severity, a summary and a runbook line in the README', () => {
    const readme = readFileSync(`${REPO}README.md`, 'utf8');
    const runbooks = readme.slice(readme.indexOf('### Runbooks'));
    expect(readme).toContain('### Runbooks');
    for (const a of alerts) {
      const name = a.alert ?? '';
      expect(['critical', 'warning'], name).toContain(a.labels?.severity);
      expect(a.annotations?.summary, name).toMatch(/\S/);
      expect(a.annotations?.runbook, name).toBe(`README.md#runbooks, ${name}`);
      expect(runbooks, name).toMatch(
        new RegExp(`^- \\*\\*${name}\\*\\* \\((critical|warning)\\)`, 'm'),
      );
      const line = runbooks.split('\n').find((l) => l.startsWith(`- **${name}**`)) ?? '';
      expect(line, name).toContain(`(${a.labels?.severity ?? ''})`);
    }
  });

  it('unit-tests every alert firing and not firing', () => {
    const cases = alertCases();
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${a.alert} fires`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${a.alert} quiet`,
      ).toBe(true);
    }
  });

  it('passes promtool check rules', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const result = await runTool(promtool, ['check', 'rules', RULES_FILE]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('passes promtool test rules', async (ctx) => {
    const promtool = requireBinary(ctx, 'promtool');
    const result = await runTool(promtool, ['test', 'rules', RULES_TEST_FILE]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});
