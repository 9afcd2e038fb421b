import { onTestFinished } from 'vitest';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { createEmulator } from '../../src/emulator/index.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';

/** An emulator for one test (inject only, closed at the end) and a caller with the default client. */
export async function bindingsEmulator(options: EmulatorOptions = {}): Promise<{
  emulator: Emulator;
  call: ReturnType<typeof api>;
  integrationId: string;
}> {
  const emulator = await createEmulator(options);
  onTestFinished(async () => {
    await emulator.close();
  });
  const first = options.clients?.[0];
  const token =
    first === undefined
      ? await tokenFor(emulator)
      : await tokenFor(emulator, first.id, first.secret);
  const call = api(emulator, token);
  const integrationId = await createIntegration(call);
  return { emulator, call, integrationId };
}

/** Creates a published data action and returns its id. */
export async function createAction(
  call: ReturnType<typeof api>,
  integrationId: string,
  name = 'check_inventory',
): Promise<string> {
  const res = await call(
    'POST',
    '/api/v2/integrations/actions',
    actionBody(integrationId, { name }),
  );
  if (res.status !== 200) throw new Error(res.raw);
  return str(res.body, 'id');
}

/** Posts a body and returns the new entity's id, failing on anything but `expected`. */
export async function postId(
  call: ReturnType<typeof api>,
  url: string,
  body: unknown,
  expected = 200,
): Promise<string> {
  const res = await call('POST', url, body);
  if (res.status !== expected) throw new Error(`${String(res.status)} ${res.raw}`);
  return str(res.body, 'id');
}

/** GETs a job `times` times and returns the statuses it answered, in order. */
export async function pollStatuses(
  call: ReturnType<typeof api>,
  jobUrl: string,
  times: number,
): Promise<string[]> {
  const statuses: string[] = [];
  for (let i = 0; i < times; i += 1) {
    const res = await call('GET', jobUrl);
    if (res.status !== 200) throw new Error(`${String(res.status)} ${res.raw}`);
    statuses.push(str(res.body, 'status'));
  }
  return statuses;
}
