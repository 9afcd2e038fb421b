/**
 * Fault injection: error answers (5xx, 429), added latency and dropped connections per route
 * pattern, drawn from a seeded PRNG so a test sees the same faults on every run.
 */
import type { FaultRule, ParsedFaultSettings } from './options.js';

/** What to do to one request. */
export type FaultAction =
  | { readonly kind: 'none'; readonly latencyMs: number }
  | {
      readonly kind: 'error';
      readonly latencyMs: number;
      readonly status: number;
      readonly retryAfterSeconds: number;
    }
  | { readonly kind: 'drop'; readonly latencyMs: number; readonly phase: 'request' | 'response' };

/** Mulberry32: a small, fast, seeded PRNG giving numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True when `path` matches `pattern`, where `*` stands for any run of characters. */
export function matchesPattern(pattern: string, path: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(path);
}

/** The fault injector of one emulator. */
export interface FaultInjector {
  /** Replaces the settings and re-seeds the PRNG. */
  set(settings: ParsedFaultSettings): void;
  /** Decides what happens to one request. */
  decide(method: string, path: string): FaultAction;
}

/** Creates an injector; `defaultSeed` is used when the settings carry none. */
export function createFaultInjector(
  settings: ParsedFaultSettings,
  defaultSeed: number,
): FaultInjector {
  let rules: readonly FaultRule[] = [];
  let used: number[] = [];
  let random = seededRandom(defaultSeed);
  const set = (next: ParsedFaultSettings): void => {
    rules = next.rules;
    used = next.rules.map(() => 0);
    random = seededRandom(next.seed ?? defaultSeed);
  };
  set(settings);
  return {
    set,
    decide: (method, path) => {
      const index = rules.findIndex(
        (rule, i) =>
          (rule.method === undefined || rule.method === method) &&
          matchesPattern(rule.path, path) &&
          (rule.times === undefined || (used[i] ?? 0) < rule.times),
      );
      const rule = rules[index];
      if (rule === undefined) return { kind: 'none', latencyMs: 0 };
      used[index] = (used[index] ?? 0) + 1;
      // Draw both numbers every time so one rule's outcome does not shift the others' sequence.
      const dropDraw = random();
      const errorDraw = random();
      // A third draw only for rules that use it, so older seeded sequences stay as they were.
      const rateLimitDraw = rule.rateLimitRate > 0 ? random() : 1;
      if (dropDraw < rule.dropRate) {
        return { kind: 'drop', latencyMs: rule.latencyMs, phase: rule.dropPhase };
      }
      const status =
        errorDraw < rule.errorRate
          ? rule.errorStatus
          : rateLimitDraw < rule.rateLimitRate
            ? 429
            : 0;
      if (status === 0) return { kind: 'none', latencyMs: rule.latencyMs };
      return {
        kind: 'error',
        latencyMs: rule.latencyMs,
        status,
        retryAfterSeconds: rule.retryAfterSeconds,
      };
    },
  };
}
