import { describe, expect, it } from 'vitest';
import {
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
  serverRetryAfterMs,
  shouldRetry,
} from '../../src/genesys/retry.js';
import type { AttemptOutcome } from '../../src/genesys/retry.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const policy = { baseMs: 500, maxMs: 8_000, retryAfterCapMs: 30_000 };

describe('retry decisions', () => {
  it.each([
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [599, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
  ])('status %d is retryable: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  const status = (s: number): AttemptOutcome => ({ kind: 'status', status: s });
  it.each<[AttemptOutcome, string, boolean, boolean]>([
    [status(503), 'GET', false, true],
    [status(503), 'PATCH', false, true],
    [status(503), 'POST', false, false],
    [status(503), 'POST', true, true],
    [status(429), 'POST', false, true],
    [{ kind: 'network' }, 'POST', false, false],
    [{ kind: 'network' }, 'DELETE', false, true],
    [{ kind: 'timeout' }, 'POST', false, false],
    [{ kind: 'timeout' }, 'POST', true, true],
    [{ kind: 'timeout' }, 'GET', false, true],
    [status(400), 'GET', true, false],
    [{ kind: 'unsent' }, 'POST', false, true],
    [status(501), 'GET', true, false],
  ])('%j %s (idempotent %s) is retried: %s', (outcome, method, idempotent, expected) => {
    expect(shouldRetry(outcome, method, idempotent)).toBe(expected);
  });

  it.each<[string, number | undefined]>([
    ['1', 1_000],
    ['0', 0],
    [' 120 ', 120_000],
    ['1.5', 1_500],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
    ['Thu, 01 Jan 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('Retry-After %j means %s ms', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });

  it.each<[Record<string, string>, number, number | undefined]>([
    [{ 'retry-after': '2', 'inin-ratelimit-reset': '40' }, 429, 2_000],
    [{ 'inin-ratelimit-reset': '40' }, 429, 40_000],
    [{ 'retry-after': 'garbage', 'inin-ratelimit-reset': '3' }, 429, 3_000],
    [{}, 429, undefined],
    // Genesys sends inin-ratelimit-reset on every answer: it says nothing about a 5xx.
    [{ 'inin-ratelimit-reset': '60' }, 500, undefined],
    [{ 'inin-ratelimit-reset': '60' }, 503, undefined],
    [{ 'retry-after': '2', 'inin-ratelimit-reset': '60' }, 503, 2_000],
  ])('server hint of %j on %s is %s ms', (headers, status, expected) => {
    expect(serverRetryAfterMs(new Headers(headers), NOW, status)).toBe(expected);
  });

  it.each<[number, number | undefined, number, number]>([
    // attempt, server hint, random, expected delay
    [1, undefined, 0, 250],
    [1, undefined, 1, 500],
    [2, undefined, 0.5, 750],
    [3, undefined, 1, 2_000],
    [10, undefined, 1, 8_000],
    [10, undefined, 0, 4_000],
    [30, undefined, 1, 8_000],
    [1, 1_000, 0.9, 1_000],
    [1, 120_000, 0.9, 30_000],
    [4, 0, 0.9, 0],
  ])('attempt %d with hint %s and random %d waits %d ms', (attempt, hint, r, expected) => {
    expect(retryDelayMs(attempt, hint, policy, () => r)).toBe(expected);
  });

  it('never waits longer than the backoff cap whatever the attempt', () => {
    for (let attempt = 1; attempt < 60; attempt++) {
      expect(retryDelayMs(attempt, undefined, policy, () => 1)).toBeLessThanOrEqual(policy.maxMs);
    }
  });
});
