import { describe, expect, it } from 'vitest';
import {
  GenesysConflictError,
  GenesysNotFoundError,
  GenesysValidationError,
} from '../../src/errors.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { GatewayToolInputWire } from '../../src/genesys/index.js';
import { startEmulator } from '../support/emulator.js';
import { startScriptServer } from '../genesys/support/script-server.js';

const tool = (name: string, executionEndpoint: string): GatewayToolInputWire => ({
  name,
  description: 'Checks real-time inventory levels for a specific product SKU',
  schema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
  executionEndpoint,
  rateLimit: { requestsPerMinute: 60, burstSize: 10 },
});

describe('gateway tools API against the emulator', () => {
  it('creates, lists, reads, replaces, invokes and removes a tool', async () => {
    const target = await startScriptServer(() => ({
      status: 200,
      body: { status: 'success', output: { sku: 'A-1', inventory_level: 42 } },
    }));
    const { url, clientId, clientSecret } = await startEmulator();
    const client = createGenesysClient({ apiUrl: url, clientId, clientSecret });
    const api = client.gatewayTools;
    const endpoint = `${target.url}/api/v1/tools/check_inventory`;
    const created = await api.create(tool('check_inventory', endpoint));
    expect(created).toMatchObject({ name: 'check_inventory', version: 1 });
    await api.create(tool('second_tool', endpoint));
    expect((await api.list({ pageSize: 1 }).collect()).map((t) => t.name).sort()).toEqual([
      'check_inventory',
      'second_tool',
    ]);
    const replaced = await api.update(created.id, {
      ...tool('check_inventory', endpoint),
      description: 'new',
    });
    expect(replaced).toMatchObject({ description: 'new', version: 2 });
    const output = await api.invoke(created.id, {
      parameters: { sku: 'A-1' },
      conversation_id: 'conv-1',
    });
    expect(output).toEqual({ status: 'success', output: { sku: 'A-1', inventory_level: 42 } });
    expect(JSON.parse(target.calls[0]?.body ?? '')).toEqual({
      tool_name: 'check_inventory',
      parameters: { sku: 'A-1' },
      conversation_id: 'conv-1',
    });
    await api.remove(created.id);
    await expect(api.get(created.id)).rejects.toBeInstanceOf(GenesysNotFoundError);
  });

  it('refuses a taken name with 409 and a bad schema with 400 and details', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const api = createGenesysClient({ apiUrl: url, clientId, clientSecret }).gatewayTools;
    await api.create(tool('dup', 'http://127.0.0.1:9/x'));
    await expect(api.create(tool('dup', 'http://127.0.0.1:9/x'))).rejects.toBeInstanceOf(
      GenesysConflictError,
    );
    const bad = await api
      .create({ ...tool('bad', 'http://127.0.0.1:9/x'), schema: { type: 'string' } })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GenesysValidationError);
    expect(bad).toMatchObject({
      details: { fields: [{ field: 'schema.type', errorCode: 'INVALID_SCHEMA' }] },
    });
  });
});
