import { describe, expect, it } from 'vitest';
import { CLOSED, admitCall, settleCall } from '../../src/server/circuit-breaker.js';
import type { BreakerState, CallVerdict } from '../../src/server/circuit-breaker.js';
import type { CallCancellation } from '../../src/server/call-cancellation.js';
import { verdictOf } from '../../src/server/policies.js';
import { InvocationError } from '../../src/errors.js';

const policy = { consecutiveFailures: 3, halfOpenAfterMs: 1000 };

describe('the breaker decisions', () => {
  it.each<[string, BreakerState, number, ReturnType<typeof admitCall>]>([
    ['closed lets calls pass', CLOSED, 0, { pass: true, probe: false, state: CLOSED }],
    [
      'open refuses with the time left',
      { state: 'open', openedAtMs: 0 },
      400,
      { pass: false, retryAfterMs: 600 },
    ],
    [
      'open lets one probe pass once the cool-down is over',
      { state: 'open', openedAtMs: 0 },
      1000,
      { pass: true, probe: true, state: { state: 'half-open' } },
    ],
    [
      'half-open refuses while the probe runs',
      { state: 'half-open' },
      5000,
      { pass: false, retryAfterMs: 0 },
    ],
  ])('%s', (_name, state, nowMs, expected) => {
    expect(admitCall(state, policy, nowMs)).toEqual(expected);
  });

  it.each<[string, BreakerState, CallVerdict, boolean, BreakerState]>([
    ['a fault counts', CLOSED, 'fault', false, { state: 'closed', failures: 1 }],
    [
      'the third fault in a row opens',
      { state: 'closed', failures: 2 },
      'fault',
      false,
      { state: 'open', openedAtMs: 5000 },
    ],
    ['a success resets the count', { state: 'closed', failures: 2 }, 'success', false, CLOSED],
    [
      'a caller error or hang-up counts nothing',
      { state: 'closed', failures: 2 },
      'neutral',
      false,
      { state: 'closed', failures: 2 },
    ],
    ['a successful probe closes', { state: 'half-open' }, 'success', true, CLOSED],
    [
      'a failed probe opens again',
      { state: 'half-open' },
      'fault',
      true,
      { state: 'open', openedAtMs: 5000 },
    ],
    [
      'a probe without verdict leaves it due for another probe',
      { state: 'half-open' },
      'neutral',
      true,
      { state: 'open', openedAtMs: 4000 },
    ],
    [
      'a late call that started closed does not close an open circuit',
      { state: 'open', openedAtMs: 1 },
      'success',
      false,
      { state: 'open', openedAtMs: 1 },
    ],
  ])('%s', (_name, state, verdict, probe, expected) => {
    expect(settleCall(state, { verdict, probe }, policy, 5000)).toEqual(expected);
  });

  it.each<[string, unknown, CallCancellation['reason'], CallVerdict]>([
    ['a thrown Error is a fault', new Error('boom'), undefined, 'fault'],
    [
      'a 422 the handler throws is not',
      new InvocationError('INVALID_PARAMETERS', 'x'),
      undefined,
      'neutral',
    ],
    [
      'a 500 the handler throws is',
      new InvocationError('EXECUTION_FAILURE', 'x'),
      undefined,
      'fault',
    ],
    ['a timeout is', new Error('aborted'), 'timeout', 'fault'],
    ['a caller hanging up is not', new Error('aborted'), 'caller-gone', 'neutral'],
    ['shutdown is not', new Error('aborted'), 'shutdown', 'neutral'],
  ])('%s', (_name, error, reason, verdict) => {
    expect(verdictOf(error, reason)).toBe(verdict);
  });
});
