import { createGenesysClient } from '../../../src/genesys/index.js';
import type { GenesysClient } from '../../../src/genesys/index.js';
import { fakeClock } from '../../support/fake-clock.js';
import type { FakeClock } from '../../support/fake-clock.js';
import { countingFetch, drive } from './drive.js';
import { startScriptServer } from './script-server.js';
import type { Handler, ScriptServer } from './script-server.js';

/** A client on a scripted server, with a fake clock driven while calls sleep. */
export async function scriptedClient(api: Handler): Promise<{
  server: ScriptServer;
  client: GenesysClient;
  clock: FakeClock;
  run: <T>(work: Promise<T>) => Promise<T>;
}> {
  const server = await startScriptServer(api);
  const clock = fakeClock();
  const counting = countingFetch();
  const client = createGenesysClient(
    {
      apiUrl: server.url,
      clientId: 'c',
      clientSecret: 's',
      requestTimeoutMs: 600_000,
      maxAttempts: 1,
    },
    { clock, fetch: counting.fetch, random: () => 0.5 },
  );
  return {
    server,
    client,
    clock,
    run: (work) => drive(work, clock, { inFlight: counting.inFlight }),
  };
}

/** A one-page listing. */
export function page(entities: readonly unknown[], pageNumber = 1, pageCount = 1) {
  return {
    status: 200,
    body: { entities, pageSize: 100, pageNumber, total: entities.length, pageCount },
  };
}
