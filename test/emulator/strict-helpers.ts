import { onTestFinished } from 'vitest';
import type { Deps } from '../../src/deps.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createEmulator } from '../../src/emulator/index.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';

/** One call the fake tool endpoint received. */
export interface FetchCall {
  readonly url: string;
  readonly body: string;
}

/**
 * A fetch standing in for the tool endpoint: answers `{"output": {...}}`; with `gated`, each call
 * waits until `release()` lets the held calls answer.
 */
export function fakeToolFetch(gated = false) {
  const calls: FetchCall[] = [];
  const held: (() => void)[] = [];
  const arrived: (() => void)[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    calls.push({ url: String(input instanceof Request ? input.url : input), body });
    for (const w of arrived.splice(0)) w();
    if (gated) await new Promise<void>((resolve) => held.push(resolve));
    return new Response(JSON.stringify({ output: { sku: 'A1', inventory_level: 3 } }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return {
    fetch: fetchFn,
    calls,
    /** Resolves once `n` calls have arrived. */
    async waitFor(n: number): Promise<void> {
      while (calls.length < n) await new Promise<void>((resolve) => arrived.push(resolve));
    },
    release(): void {
      for (const r of held.splice(0)) r();
    },
  };
}

/** An emulator with one enabled integration, an inject caller and the integration id. */
export async function strictSetup(options: EmulatorOptions = {}, deps: Partial<Deps> = {}) {
  const emulator = await createEmulator(options, deps);
  onTestFinished(() => emulator.close());
  const token = await tokenFor(emulator);
  const call = api(emulator, token);
  const integrationId = await createIntegration(call);
  await call('PATCH', `/api/v2/integrations/${integrationId}`, { intendedState: 'ENABLED' });
  const create = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const res = await call('POST', '/api/v2/integrations/actions', {
      ...actionBody(integrationId),
      ...overrides,
    });
    if (res.status !== 200) throw new Error(res.raw);
    return str(res.body, 'id');
  };
  /** A GET whose body is kept as text, with an explicit Accept header. */
  const getText = async (url: string, accept: string) => {
    const res = await emulator.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, accept },
    });
    return { status: res.statusCode, type: res.headers['content-type'], text: res.body };
  };
  return { emulator, call, integrationId, create, getText };
}

/** The `config` object of an action body as the API answered it. */
export function configOf(body: Record<string, unknown>): {
  request: Record<string, unknown>;
  response: Record<string, unknown>;
} {
  const config = body['config'];
  if (typeof config !== 'object' || config === null) throw new Error('no config');
  const { request, response } = config as Record<string, unknown>;
  if (typeof request !== 'object' || request === null) throw new Error('no config.request');
  if (typeof response !== 'object' || response === null) throw new Error('no config.response');
  return {
    request: request as Record<string, unknown>,
    response: response as Record<string, unknown>,
  };
}
