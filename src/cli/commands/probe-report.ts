/**
 * What `doctor --probe` reports (issue 12 item 5, reference §10.5): one finding per question the
 * probe settles on a real org, the pure readings of the platform's answers, and the table.
 */
import { isGenesysToolsError } from '../../errors.js';
import type { JsonValue } from '../../registry/index.js';
import { normaliseJson } from '../../registry/index.js';
import { isRecord } from '../../is-record.js';

/**
 * ok: the platform answered as the project assumes; differs: it answered, differently (the
 * finding says how); failed: the step's request failed; skipped: not run; unavailable: the org
 * does not let this client read it.
 */
export type ProbeStatus = 'ok' | 'differs' | 'failed' | 'skipped' | 'unavailable';

/** One line of the probe's table. */
export interface ProbeFinding {
  readonly check: string;
  readonly status: ProbeStatus;
  /** What the platform answered, in one line. */
  readonly seen: string;
  /** What the project assumes (reference §10), when the check compares against it. */
  readonly expected?: string;
  /** The same answer for machines (`--json`). */
  readonly data?: unknown;
}

/** What `doctor --probe --json` prints under `probe`. */
export interface ProbeReport {
  /** True when every step ran (whatever the findings) and nothing was left behind. */
  readonly completed: boolean;
  readonly interrupted: boolean;
  /** The error that stopped the probe, if one did. */
  readonly stoppedBy?: string;
  readonly integrationName: string;
  readonly category: string;
  readonly actionName: string;
  readonly findings: readonly ProbeFinding[];
  /** Ids the probe deleted (actions, then the integration). */
  readonly deleted: readonly string[];
  /** Ids it could not delete: delete them by hand. */
  readonly leftBehind: readonly { readonly kind: 'action' | 'integration'; readonly id: string }[];
}

/** The order of the table; a check the probe never reached is reported as skipped. */
export const PROBE_CHECKS = [
  'integration',
  'create action',
  'read back: templates inline',
  'read back: template files',
  'read back: contract',
  'test: rawRequest',
  'type-list input',
  'same name twice',
  'paging pageSize=1',
  'data-action limits',
  'cleanup',
] as const;

/** A check's name. */
export type ProbeCheck = (typeof PROBE_CHECKS)[number];

/** `CODE (status): message` of any error, one line. */
export function describeError(error: unknown): string {
  if (isGenesysToolsError(error)) {
    const status = 'status' in error && typeof error.status === 'number' ? ` ${error.status}` : '';
    return `${error.code}${status}: ${oneLine(error.message)}`;
  }
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** The HTTP status of an API error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  return isGenesysToolsError(error) && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Differences between a schema sent and the one read back, by JSON path. */
export interface SchemaDiff {
  /** Paths the platform added. */
  readonly added: readonly string[];
  /** Paths the platform dropped. */
  readonly dropped: readonly string[];
  /** Paths whose value changed. */
  readonly changed: readonly string[];
}

/**
 * Compares two schemas semantically (key order, the order of `required`/`enum`, whitespace make
 * no difference) and lists the keywords added, dropped and changed. Pure.
 */
export function diffSchemas(sent: unknown, got: unknown): SchemaDiff {
  const added: string[] = [];
  const dropped: string[] = [];
  const changed: string[] = [];
  const walk = (a: JsonValue | undefined, b: JsonValue | undefined, path: string): void => {
    if (isRecord(a) && isRecord(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        walk(a[key], b[key], `${path}/${key}`);
      }
      return;
    }
    if (a === undefined && b !== undefined) added.push(path);
    else if (a !== undefined && b === undefined) dropped.push(path);
    else if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(path);
  };
  walk(normaliseJson(sent), normaliseJson(got), '');
  return { added, dropped, changed };
}

/** True when the diff is empty. */
export function isSameSchema(diff: SchemaDiff): boolean {
  return diff.added.length + diff.dropped.length + diff.changed.length === 0;
}

/** `added /a, /b; dropped /c` of a diff, for the table. */
export function describeDiff(diff: SchemaDiff): string {
  const parts = [
    diff.added.length > 0 ? `added ${diff.added.join(', ')}` : '',
    diff.dropped.length > 0 ? `dropped ${diff.dropped.join(', ')}` : '',
    diff.changed.length > 0 ? `changed ${diff.changed.join(', ')}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'as sent' : parts.join('; ');
}

/** Where the rendered request body was found in a test result. */
export interface RenderedRequest {
  /** The operation's name (`Resolve request` on the emulator). */
  readonly step: string;
  /** The rendered body text. */
  readonly body: string;
}

function stringsIn(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * The rendered request body in a `TestExecutionResult`: the first string of any operation's result
 * that carries the marker input value without being that value (the platform names its steps
 * its own way, so the steps are searched, not looked up by name). Pure.
 */
export function findRenderedRequest(result: unknown, marker: string): RenderedRequest | undefined {
  const operations = isRecord(result) && Array.isArray(result.operations) ? result.operations : [];
  for (const op of operations) {
    if (!isRecord(op)) continue;
    const hit = stringsIn(op.result, []).find((s) => s.includes(marker) && s !== marker);
    if (hit !== undefined) {
      return { step: typeof op.name === 'string' ? op.name : `step ${String(op.step)}`, body: hit };
    }
  }
  return undefined;
}

/** What `${input.rawRequest}` became, out of the body our request template renders. Pure. */
export function rawRequestOf(body: string): { readonly json: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && 'parameters' in parsed ? { json: parsed.parameters } : undefined;
  } catch {
    return undefined;
  }
}

/** One-line `key=value` list of a limits answer (`LimitsEntityListing` or any object). Pure. */
export function describeLimits(body: unknown): string {
  const entities = isRecord(body) && Array.isArray(body.entities) ? body.entities : undefined;
  if (entities !== undefined) {
    const pairs = entities.flatMap((e) =>
      isRecord(e) && typeof e.key === 'string' ? [`${e.key}=${JSON.stringify(e.value)}`] : [],
    );
    if (pairs.length > 0) return pairs.join(', ');
    if (entities.length === 0) return 'no limits listed';
  }
  return oneLine(JSON.stringify(body ?? null));
}

const MARK: Readonly<Record<ProbeStatus, string>> = {
  ok: 'ok',
  differs: 'DIFFERS',
  failed: 'FAILED',
  skipped: 'skipped',
  unavailable: 'unavailable',
};

/** The table for people: one row per check, in PROBE_CHECKS order. */
export function renderProbeReport(report: ProbeReport): string {
  const width = Math.max(...PROBE_CHECKS.map((c) => c.length));
  const statusWidth = Math.max(...Object.values(MARK).map((m) => m.length));
  const lines = [
    `genesys-tools doctor --probe: integration "${report.integrationName}", category "${report.category}", action "${report.actionName}"`,
    `  ${'CHECK'.padEnd(width)}  ${'RESULT'.padEnd(statusWidth)}  SEEN`,
  ];
  for (const f of report.findings) {
    lines.push(`  ${f.check.padEnd(width)}  ${MARK[f.status].padEnd(statusWidth)}  ${f.seen}`);
    if (f.expected !== undefined && f.status === 'differs') {
      lines.push(`  ${''.padEnd(width)}  ${''.padEnd(statusWidth)}  expected: ${f.expected}`);
    }
  }
  const count = (s: ProbeStatus): number => report.findings.filter((f) => f.status === s).length;
  lines.push(
    `${count('ok')} ok, ${count('differs')} differ, ${count('failed')} failed, ${count('unavailable')} unavailable, ${count('skipped')} skipped.`,
  );
  if (report.stoppedBy !== undefined) lines.push(`The probe stopped: ${report.stoppedBy}`);
  if (report.leftBehind.length > 0) {
    lines.push('Left behind (delete by hand, actions first):');
    for (const item of report.leftBehind) {
      lines.push(
        item.kind === 'action'
          ? `  DELETE /api/v2/integrations/actions/${item.id}`
          : `  DELETE /api/v2/integrations/${item.id}`,
      );
    }
  } else {
    lines.push(`Deleted everything it created (${report.deleted.length} object(s)).`);
  }
  return `${lines.join('\n')}\n`;
}
