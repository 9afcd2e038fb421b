import { describe, expect, it } from 'vitest';
import { InvocationError } from '../../src/errors.js';
import { parseEnvelope } from '../../src/server/envelope.js';
import { invalidParameters } from '../../src/server/parameter-checks.js';
import { createToolPolicies } from '../../src/server/policies.js';
import { fakeClock } from '../support/fake-clock.js';
import { tool } from './helpers.js';

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

/** Frames of a stack trace (`    at ...` lines). */
const frames = (error: unknown): number =>
  error instanceof Error
    ? (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).length
    : -1;

describe('refusals are answered with errors built without a stack (issue 18, goal 2)', () => {
  it('a 429 of the rate limit', () => {
    const policies = createToolPolicies(
      tool({ rateLimit: { requestsPerMinute: 1, burstSize: 1 } }),
      { clock: fakeClock(), onCircuit: () => undefined },
    );
    expect(policies.admit()).toBeUndefined();
    const error = thrown(() => policies.admit());
    expect(error).toBeInstanceOf(InvocationError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429 });
    expect(frames(error)).toBe(0);
  });

  it('a 422 of bad parameters and a 400 of a bad envelope', () => {
    const invalid = invalidParameters('check_inventory', [
      { path: '/sku', message: 'must be string' },
    ]);
    expect(invalid).toMatchObject({ code: 'INVALID_PARAMETERS', httpStatus: 422 });
    expect(frames(invalid)).toBe(0);
    const envelope = thrown(() => parseEnvelope([]));
    expect(envelope).toMatchObject({ code: 'INVALID_PAYLOAD', httpStatus: 400 });
    expect(frames(envelope)).toBe(0);
  });

  it('leaves the stack of other errors alone', () => {
    expect(frames(new Error('x'))).toBeGreaterThan(0);
  });
});
