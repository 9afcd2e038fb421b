import { onTestFinished } from 'vitest';
import type { Deps } from '../../src/deps.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { createEmulator, DEFAULT_CLIENT } from '../../src/emulator/index.js';

/** A running emulator for one test: listening on 127.0.0.1:0, closed when the test finishes. */
export interface StartedEmulator {
  /** Base URL; use it as both GENESYS_CLOUD_API_URL and GENESYS_CLOUD_LOGIN_URL. */
  readonly url: string;
  readonly emulator: Emulator;
  /** Id and secret of the first configured client (the default one unless `clients` is given). */
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Starts an emulator on a free loopback port and closes it in `onTestFinished`. */
export async function startEmulator(
  options: EmulatorOptions = {},
  deps: Partial<Deps> = {},
): Promise<StartedEmulator> {
  const emulator = await createEmulator(options, deps);
  onTestFinished(async () => {
    await emulator.close();
  });
  const url = await emulator.listen({ host: '127.0.0.1', port: 0 });
  const first = options.clients?.[0] ?? DEFAULT_CLIENT;
  return { url, emulator, clientId: first.id, clientSecret: first.secret };
}
