import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';

const good = [
  '# HELP a_total Things.',
  '# TYPE a_total counter',
  'a_total{x="1"} 3',
  '# TYPE h histogram',
  'h_bucket{le="1"} 1',
  'h_bucket{le="+Inf"} 2',
  'h_sum 3.5',
  'h_count 2',
  '',
].join('\n');

describe('the Prometheus text-format check used by the metrics tests', () => {
  it('accepts a well-formed exposition', () => {
    expect(parsePrometheusText(good).samples).toHaveLength(5);
  });

  it.each([
    ['a sample without TYPE', good.replace('# TYPE a_total counter\n', '')],
    ['a counter without _total', good.replaceAll('a_total', 'a')],
    ['a bad label name', good.replace('{x="1"}', '{x.y="1"}')],
    ['an unquoted label value', good.replace('{x="1"}', '{x=1}')],
    ['a bad value', good.replace('a_total{x="1"} 3', 'a_total{x="1"} three')],
    ['a duplicate series', good.replace('a_total{x="1"} 3', 'a_total{x="1"} 3\na_total{x="1"} 4')],
    ['decreasing buckets', good.replace('h_bucket{le="1"} 1', 'h_bucket{le="1"} 3')],
    ['a count unlike +Inf', good.replace('h_count 2', 'h_count 5')],
    ['no final newline', good.trimEnd()],
  ])('rejects %s', (_label, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
