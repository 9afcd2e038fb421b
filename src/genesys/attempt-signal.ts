/**
 * A per-attempt abort signal with a timeout driven by the injected clock (so tests control it),
 * linked to the caller's signal. STYLE §8: classify a timeout by which signal fired, never by the
 * error's class.
 */
import type { Clock } from '../deps.js';

/** The signal of one attempt and how it ended. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** True when the timeout fired (rather than the caller's signal). */
  timedOut(): boolean;
  /** Stops the timer; call it when the attempt is over. */
  dispose(): void;
}

/** A signal that aborts after `timeoutMs` on `clock`, or when `parent` aborts. */
export function attemptSignal(
  clock: Clock,
  timeoutMs: number,
  parent: AbortSignal | undefined,
): AttemptSignal {
  const controller = new AbortController();
  const timer = new AbortController();
  let fired = false;
  const onParentAbort = (): void => {
    controller.abort(parent?.reason);
  };
  if (parent?.aborted === true) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  clock.sleep(timeoutMs, timer.signal).then(
    () => {
      if (controller.signal.aborted) return;
      fired = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    },
    () => undefined,
  );
  return {
    signal: controller.signal,
    timedOut: () => fired,
    dispose: () => {
      timer.abort();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Races `promise` against `signal`: rejects with the signal's reason when it aborts first. */
export async function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
