import { describe, expect, it } from 'vitest';
import { InvocationError } from '../../src/errors.js';
import { callResult, listedTool } from '../../src/mcp/index.js';
import { CancellationRegistry } from '../../src/mcp/cancellations.js';
import { tool } from '../server/helpers.js';

describe('callResult', () => {
  it.each([
    ['an object', { sku: 'A', level: 1 }, true],
    ['an array', [1, 2], false],
    ['a string', 'in stock', false],
    ['null', null, false],
  ])(
    'renders %s output as JSON text, with structuredContent only for objects',
    (_what, output, structured) => {
      const result = callResult({
        ok: true,
        output,
        invocationId: 'i-1',
        durationMs: 3,
        attempts: 1,
      });
      expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(output) }]);
      expect('structuredContent' in result).toBe(structured);
      expect(result.isError).toBeUndefined();
      expect(result._meta).toEqual({ invocation_id: 'i-1', duration_ms: 3, attempts: 1 });
    },
  );

  it('puts the error code in the text and in _meta, with Retry-After seconds for RATE_LIMITED', () => {
    const error = new InvocationError('RATE_LIMITED', 'tool "x" allows 60 calls per minute.', {
      retryAfterMs: 1500,
    });
    const result = callResult({ ok: false, error, invocationId: 'i-2' });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: 'RATE_LIMITED: tool "x" allows 60 calls per minute. Retry after 2 s.' },
    ]);
    expect(result._meta).toEqual({
      error_code: 'RATE_LIMITED',
      invocation_id: 'i-2',
      retry_after_seconds: 2,
    });
  });
});

describe('listedTool', () => {
  it('lists an object output schema and leaves out one that is not an object', () => {
    const objectOut = tool({ outputSchema: { type: 'object', properties: {} } });
    const stringOut = tool({ outputSchema: { type: 'string' } });
    expect(listedTool(objectOut).outputSchema).toEqual({ type: 'object', properties: {} });
    expect(listedTool(stringOut)).not.toHaveProperty('outputSchema');
    expect(listedTool(objectOut).inputSchema).toEqual(objectOut.inputSchema);
  });
});

describe('CancellationRegistry', () => {
  it("cancels only the caller's own call, and none when the id is ambiguous", () => {
    const registry = new CancellationRegistry();
    const alice = registry.forCaller('alice');
    const bob = registry.forCaller('bob');
    const a1 = new AbortController();
    const b1 = new AbortController();
    const removeA = alice.add(1, a1);
    bob.add(1, b1);
    bob.cancel(1);
    expect([a1.signal.aborted, b1.signal.aborted]).toEqual([false, true]);
    const a1again = new AbortController();
    alice.add(1, a1again);
    alice.cancel(1);
    expect([a1.signal.aborted, a1again.signal.aborted]).toEqual([false, false]);
    removeA();
    alice.cancel(1);
    expect(a1again.signal.aborted).toBe(true);
    alice.cancel('1');
    expect(a1.signal.aborted).toBe(false);
  });
});
