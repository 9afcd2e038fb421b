import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, createRefusalTally } from '../../src/telemetry/refusal-tally.js';

describe('the refusal tally', () => {
  it('keeps at most MAX_BUCKETS buckets whatever callers send, and loses no count', () => {
    const tally = createRefusalTally();
    for (let i = 0; i < 1000; i++) {
      tally.add({ reason: 'rate-limited', tool: `tool_${i}`, caller: 'bearer:1', timeMs: i });
    }
    expect(tally.size).toBe(MAX_BUCKETS);
    const summaries = tally.drain();
    expect(summaries.reduce((sum, s) => sum + s.count, 0)).toBe(1000);
    expect(summaries.at(-1)).toMatchObject({ reason: 'other', count: 1000 - (MAX_BUCKETS - 1) });
    expect(summaries.at(-1)).not.toHaveProperty('tool');
    expect(tally.size).toBe(0);
  });

  it.each([
    ['a reason that is not one of ours', { reason: 'Bearer abc def' }, { reason: 'other' }],
    ['a tool name no definition allows', { reason: 'x', tool: 'a b/c' }, { reason: 'x' }],
    [
      'a caller label that is not a label',
      { reason: 'x', caller: 'Bearer s3cr3t' },
      { reason: 'x' },
    ],
  ])('does not keep %s', (_what, refusal, expected) => {
    const tally = createRefusalTally();
    tally.add({ ...refusal, timeMs: 0 });
    const [summary] = tally.drain();
    expect(summary).toMatchObject({ ...expected, count: 1 });
    expect(JSON.stringify(summary)).not.toMatch(/Bearer|s3cr3t|a b\/c/);
  });
});
