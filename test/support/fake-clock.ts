import type { Clock } from '../../src/deps.js';

/** A clock tests advance by hand; sleepers wake when the time passes their deadline. */
export interface FakeClock extends Clock {
  advance(ms: number): Promise<void>;
  /** Number of sleepers still waiting. */
  pending(): number;
}

export function fakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let now = startMs;
  const sleepers: { at: number; resolve: () => void }[] = [];
  return {
    nowMs: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          return;
        }
        const sleeper = { at: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(sleeper);
            if (i >= 0) sleepers.splice(i, 1);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          },
          { once: true },
        );
      }),
    advance: async (ms) => {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      for (const s of due) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.resolve();
      }
      // Let woken tasks run before the test looks again.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
    pending: () => sleepers.length,
  };
}
