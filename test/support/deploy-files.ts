/**
 * The shipped monitoring files (deploy/): paths, YAML parsing, and the rules' alerts, for the
 * tests that check them against promtool, the README and the metrics the server exports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const RULES_FILE = `${REPO}deploy/prometheus/genesys-tools.rules.yml`;
export const RULES_TEST_FILE = `${REPO}deploy/prometheus/genesys-tools.rules.test.yml`;
export const DASHBOARD_FILE = `${REPO}deploy/grafana/genesys-tools.json`;

/** A rule of a Prometheus rule file, as far as the tests read it. */
export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRule(value: unknown): value is Rule {
  return isRecord(value) && typeof value.expr === 'string';
}

/** Parses a YAML file into unknown (tests narrow it). */
export function readYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

/** Every rule of the shipped rule file, all groups. */
export function shippedRules(): Rule[] {
  const doc = readYaml(RULES_FILE);
  if (!isRecord(doc) || !Array.isArray(doc.groups)) throw new Error('rules: no groups');
  return doc.groups.flatMap((group: unknown) => {
    if (!isRecord(group) || !Array.isArray(group.rules)) throw new Error('rules: bad group');
    return group.rules.map((rule: unknown) => {
      if (!isRule(rule)) throw new Error(`rules: bad rule ${JSON.stringify(rule)}`);
      return rule;
    });
  });
}
