/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (promtool is not available):
 * it throws on any line a Prometheus server would reject or `promtool check metrics` would flag
 * as malformed, and returns the samples for assertions.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`line ${line}: bad value "${text}"`);
  }
  return Number(text);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (m === null) throw new Error(`line ${line}: bad labels "${text}"`);
    const [whole, name = '', value = ''] = m;
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: duplicate label "${name}"`);
    labels[name] = value.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(whole.length);
  }
  return labels;
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
    if (base !== undefined && types.get(base) === 'histogram') return base;
  }
  return undefined;
}

/** Parses and checks an exposition; throws with the line number on the first problem. */
export function parsePrometheusText(text: string): Exposition {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  const seriesSeen = new Set<string>();
  const familiesDone = new Set<string>();
  let current: string | undefined;
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') return;
      if (raw.startsWith('#')) {
        const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
        if (m === null) return; // other comments (e.g. # UNIT) are allowed
        const [, kind, name = '', rest = ''] = m;
        if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name "${name}"`);
        if (kind === 'HELP') {
          if (helps.has(name)) throw new Error(`line ${line}: second HELP for ${name}`);
          helps.add(name);
          return;
        }
        if (!TYPES.has(rest)) throw new Error(`line ${line}: bad type "${rest}"`);
        if (types.has(name)) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (familiesDone.has(name)) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        if (rest === 'counter' && !name.endsWith('_total')) {
          throw new Error(`line ${line}: counter ${name} must end in _total`);
        }
        types.set(name, rest);
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(raw);
      if (m === null) throw new Error(`line ${line}: not a sample: "${raw}"`);
      const [, name = '', labelText, valueText = ''] = m;
      const family = familyOf(name, types);
      if (family === undefined) throw new Error(`line ${line}: sample of ${name} without TYPE`);
      if (current !== family) {
        if (familiesDone.has(family)) throw new Error(`line ${line}: ${family} is not contiguous`);
        if (current !== undefined) familiesDone.add(current);
        current = family;
      }
      const labels = parseLabels(labelText ?? '', line);
      const key = `${name}{${Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`;
      if (seriesSeen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
      seriesSeen.add(key);
      samples.push({ name, labels, value: parseValue(valueText, line) });
    });
  checkHistograms(types, samples);
  return { types, samples };
}

function checkHistograms(types: ReadonlyMap<string, string>, samples: readonly Sample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, { le: number; value: number }[]>();
    const counts = new Map<string, number>();
    for (const s of samples) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      if (s.name === `${family}_bucket`) {
        if (le === undefined) throw new Error(`${family}: bucket without le`);
        const list = groups.get(key) ?? [];
        list.push({ le: parseValue(le, 0), value: s.value });
        groups.set(key, list);
      } else if (s.name === `${family}_count`) {
        counts.set(key, s.value);
      }
    }
    for (const [key, buckets] of groups) {
      const sorted = [...buckets].sort((a, b) => a.le - b.le);
      const last = sorted.at(-1);
      if (last?.le !== Number.POSITIVE_INFINITY) throw new Error(`${family}: no +Inf bucket`);
      sorted.forEach((b, i) => {
        if (i > 0 && b.value < sorted[i - 1]!.value) throw new Error(`${family}: buckets decrease`);
      });
      if (counts.get(key) !== last.value) throw new Error(`${family}: +Inf bucket != _count`);
    }
  }
}

/** The value of the one sample named `name` whose labels include `labels`. */
export function valueOf(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name}: ${found.length} series match`);
  return found[0]?.value;
}
