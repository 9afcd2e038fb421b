/**
 * Injected effects (STYLE §6): clock, fetch, randomness and logging. Factories take
 * `deps: Partial<Deps> = {}` and fill the rest from `systemDeps()`. A leaf: imports nothing of ours.
 */
import { setTimeout as sleepTimer } from 'node:timers/promises';

/** Time as our code sees it; tests pass a fake they advance by hand. */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** The subset of pino's logger our code calls (pino's `Logger` satisfies it). */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Deps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly random: () => number;
  readonly logger: Logger;
}

/** The real clock. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepTimer(ms, undefined, signal === undefined ? undefined : { signal });
  },
};

const noop: LogFn = () => undefined;

/** A logger that drops everything: the default for library use; the CLI wires pino. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

/** Fills the missing deps with the real ones. */
export function systemDeps(overrides: Partial<Deps> = {}): Deps {
  return {
    clock: overrides.clock ?? systemClock,
    fetch: overrides.fetch ?? globalThis.fetch.bind(globalThis),
    random: overrides.random ?? Math.random,
    logger: overrides.logger ?? silentLogger,
  };
}
