import type { FakeClock } from '../../support/fake-clock.js';

/** A fetch that counts exchanges in flight (until the body is read), so time stands still during I/O. */
export function countingFetch(): { fetch: typeof fetch; inFlight: () => number } {
  let inFlight = 0;
  const counted: typeof fetch = async (input, init) => {
    inFlight++;
    try {
      const response = await globalThis.fetch(input, init);
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      inFlight--;
    }
  };
  return { fetch: counted, inFlight: () => inFlight };
}

/**
 * Settles `promise` while advancing `clock` by `stepMs` whenever something sleeps on it and no
 * exchange is in flight (`inFlight`), letting real loopback I/O run between steps.
 */
export async function drive<T>(
  promise: Promise<T>,
  clock: FakeClock,
  options: {
    readonly stepMs?: number;
    readonly inFlight?: () => number;
    readonly maxSteps?: number;
  } = {},
): Promise<T> {
  const stepMs = options.stepMs ?? 250;
  const maxSteps = options.maxSteps ?? 100_000;
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let i = 0; i < maxSteps && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const busy = (options.inFlight?.() ?? 0) > 0;
    if (!settled && !busy && clock.pending() > 0) await clock.advance(stepMs);
  }
  return watched;
}
