import { expect } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';

/** `expect.any(String)` typed as unknown (keeps no-unsafe-assignment quiet in object literals). */
export const anyString: unknown = expect.any(String);

/** Basic header of a client id and secret. */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** Requests a token from the emulator through inject. */
export async function tokenFor(
  emulator: Emulator,
  id = 'emulator-client',
  secret = 'emulator-secret',
): Promise<string> {
  const res = await emulator.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: basic(id, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: 'grant_type=client_credentials',
  });
  const body: unknown = res.json();
  if (
    typeof body !== 'object' ||
    body === null ||
    !('access_token' in body) ||
    typeof body.access_token !== 'string'
  ) {
    throw new Error(`no token: ${res.body}`);
  }
  return body.access_token;
}

/** An inject-based API caller bound to a token. */
export function api(emulator: Emulator, token: string) {
  return async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await emulator.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body.length > 0 ? res.json<Record<string, unknown>>() : {},
      raw: res.body,
    };
  };
}
