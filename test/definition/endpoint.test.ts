import { describe, expect, it } from 'vitest';
import { buildTool, defineTool } from '../../src/definition/index.js';
import { createClient, createEmulator, createRegistry, syncTools } from '../../src/index.js';
import { toDataAction, toGatewayTool } from '../../src/registry/index.js';

// Issue 15 item 10: `endpoint` on a tool served elsewhere (a manifest), and no registration of a
// tool that nothing serves.

const base = { name: 'lookup', description: 'Looks a thing up', parameters: {} } as const;

function endpointCodes(input: Record<string, unknown>): readonly (readonly [string, string])[] {
  const built = buildTool({ ...base, ...input });
  return built.ok ? [] : built.issues.map((i) => [i.code, i.pointer] as const);
}

describe('a tool endpoint', () => {
  it.each([
    ['https://tools.example.com/lookup', true],
    ['https://tools.example.com:8443/a/b?key=v', true],
    ['http://127.0.0.1:9900/tools/lookup', true],
    ['http://localhost/tools/lookup', true],
    ['http://tools.localhost:8080/lookup', true],
    ['http://[::1]:80/tools/lookup', true],
    ['http://tools.example.com/lookup', false],
    ['tools.example.com/lookup', false],
    ['/api/v1/tools/lookup', false],
    ['ftp://tools.example.com/lookup', false],
    ['https://tools.example.com/lookup#part', false],
    ['https://tools.example.com/${input.sku}', false],
    ['https://user:secret@tools.example.com/lookup', false],
  ])('%s is accepted: %s', (endpoint, accepted) => {
    expect(endpointCodes({ endpoint })).toEqual(
      accepted ? [] : [['DEFINITION_INVALID_ENDPOINT', '/endpoint']],
    );
  });

  it('is refused on a tool with a handler (serve runs that one)', () => {
    expect(
      endpointCodes({ endpoint: 'https://tools.example.com/lookup', handler: () => ({}) }),
    ).toEqual([['DEFINITION_INVALID_ENDPOINT', '/endpoint']]);
  });

  it('becomes the request URL of both targets instead of the execution URL', () => {
    const tool = defineTool({ ...base, endpoint: 'https://elsewhere.example.com/lookup' });
    const settings = { executionUrl: 'https://tools.example.com', integrationId: 'i' };
    expect(
      toDataAction(tool, { ...settings, category: 'c' }).config.request.requestUrlTemplate,
    ).toBe('https://elsewhere.example.com/lookup');
    expect(toGatewayTool(tool, { ...settings, marker: 'm' }).executionEndpoint).toBe(
      'https://elsewhere.example.com/lookup',
    );
    const served = defineTool({ ...base, handler: () => ({}) });
    expect(
      toDataAction(served, { ...settings, category: 'c' }).config.request.requestUrlTemplate,
    ).toBe('https://tools.example.com/api/v1/tools/lookup');
  });
});

describe('syncTools with a tool that nothing serves', () => {
  it('refuses the whole run with DEFINITION_NO_ENDPOINT before any request', async () => {
    const emulator = await createEmulator();
    try {
      const url = await emulator.listen({ host: '127.0.0.1', port: 0 });
      const client = createClient({
        apiUrl: url,
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
      });
      const registry = createRegistry({ executionUrl: 'https://tools.example.com' }, client);
      const served = defineTool({ ...base, name: 'served', handler: () => ({}) });
      const unserved = defineTool({ ...base, name: 'unserved' });
      await expect(syncTools({ registry, tools: [served, unserved] })).rejects.toMatchObject({
        code: 'DEFINITION_NO_ENDPOINT',
        message: expect.stringContaining('unserved') as unknown,
      });
      expect(emulator.calls).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
