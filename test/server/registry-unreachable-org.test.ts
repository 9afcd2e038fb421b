import { describe, expect, it } from 'vitest';
import { createCachedStatusProvider } from '../../src/server/index.js';
import type { RemoteToolStatus } from '../../src/server/index.js';
import { fakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';
import { TOKEN, server, tool } from './helpers.js';

const auth = { authorization: `Bearer ${TOKEN}` };

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setImmediate(r));
}

/**
 * An org that answers the first read, then hangs on every later one until `release` (as a read does
 * while the client runs through its timeouts and retries against an unreachable org).
 */
function hangingOrg() {
  let reads = 0;
  const waiting: ((tools: Record<string, RemoteToolStatus>) => void)[] = [];
  return {
    reads: () => reads,
    fetch: (): Promise<Record<string, RemoteToolStatus>> => {
      reads += 1;
      if (reads === 1)
        return Promise.resolve({ check_inventory: { version: 1, status: 'published' } });
      return new Promise((resolve) => waiting.push(resolve));
    },
    release: (version: number) => {
      for (const resolve of waiting.splice(0))
        resolve({ check_inventory: { version, status: 'published' } });
    },
  };
}

async function registryApp(clock: FakeClock, org: ReturnType<typeof hangingOrg>) {
  const remoteStatus = createCachedStatusProvider(org.fetch, { ttlMs: 30_000 }, clock);
  return server({ tools: [tool()], remoteStatus }, { clock });
}

describe('the registry endpoint while the org hangs', () => {
  it('answers the last known state with its age within the short deadline, then the fresh one', async () => {
    const clock = fakeClock();
    const org = hangingOrg();
    const app = await registryApp(clock, org);
    const get = () => app.inject({ method: 'GET', url: '/api/v1/tools/registry', headers: auth });

    expect((await get()).json()).toMatchObject({ stale: false, age_seconds: 0 });
    await clock.advance(45_000);
    const pending = get();
    // The answer waits on the org for at most 2 s of the injected clock, not the client's 120 s.
    await until(() => org.reads() === 2 && clock.pending() > 0);
    await clock.advance(2_000);
    const answer = (await pending).json<Record<string, unknown>>();
    expect(answer).toMatchObject({
      stale: true,
      age_seconds: 47,
      tools: [{ name: 'check_inventory', version: 1, status: 'published' }],
    });

    // A second caller shares the read still in flight rather than starting another.
    const again = get();
    await until(() => clock.pending() > 0);
    await clock.advance(2_000);
    expect((await again).json()).toMatchObject({ stale: true, age_seconds: 49 });
    expect(org.reads()).toBe(2);

    org.release(2);
    expect((await get()).json()).toMatchObject({
      stale: false,
      tools: [{ version: 2 }],
    });
  });

  it('answers an empty stale view with no age when the org was never reached', async () => {
    const clock = fakeClock();
    const never = () => new Promise<Record<string, RemoteToolStatus>>(() => undefined);
    const remoteStatus = createCachedStatusProvider(never, { ttlMs: 30_000 }, clock);
    const app = await server({ tools: [tool()], remoteStatus }, { clock });
    const pending = app.inject({ method: 'GET', url: '/api/v1/tools/registry', headers: auth });
    await until(() => clock.pending() > 0);
    await clock.advance(2_000);
    expect((await pending).json()).toMatchObject({
      stale: true,
      age_seconds: null,
      tools: [{ status: 'unregistered' }],
    });
  });
});
