/**
 * The metric names a PromQL expression reads, for checking rules and dashboards against what the
 * server exports. A small lexer, not a parser: promtool parses the expressions (the tests run
 * it); this only has to find the identifiers that are metric names and not functions, keywords,
 * grouping labels or label matchers.
 */

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** Metric names (and recording rule names) that `expr` selects. Pure. */
export function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  // Tokens starting with a digit (numbers, `5m` durations after `offset`) are skipped whole.
  for (const m of stripped.matchAll(/[a-zA-Z0-9_:.]+/g)) {
    const name = m[0];
    const after = stripped.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(')) continue; // a function call or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (/^[\d.]/.test(name)) continue;
    names.add(name);
  }
  return names;
}
