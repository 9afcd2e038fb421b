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

/** The body of a valid data action for `integrationId` (the project's own request template). */
export function actionBody(integrationId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'check_inventory',
    category: 'genesys-tools',
    integrationId,
    contract: {
      input: {
        inputSchema: {
          type: 'object',
          properties: { sku: { type: 'string' }, count: { type: 'integer' } },
          required: ['sku'],
        },
      },
      output: {
        successSchema: {
          type: 'object',
          properties: { sku: { type: 'string' }, inventory_level: { type: 'integer' } },
        },
      },
    },
    config: {
      timeoutSeconds: 5,
      request: {
        requestUrlTemplate: 'http://127.0.0.1:9/api/v1/tools/check_inventory',
        requestType: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: 'Bearer ${credentials.token}',
        },
        requestTemplate: '{"tool_name": "check_inventory", "parameters": ${input.rawRequest}}',
      },
      response: { translationMap: { output: '$.output' }, successTemplate: '${output}' },
    },
    ...overrides,
  };
}

/** Reads a string field of a JSON body. */
export function str(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string')
    throw new Error(`${key} is not a string in ${JSON.stringify(body)}`);
  return value;
}

/** Creates a custom-rest-actions integration and returns its id. */
export async function createIntegration(
  call: ReturnType<typeof api>,
  name = 'Tool backend',
): Promise<string> {
  const res = await call('POST', '/api/v2/integrations', {
    name,
    integrationType: { id: 'custom-rest-actions' },
  });
  if (res.status !== 200) throw new Error(res.raw);
  return str(res.body, 'id');
}
