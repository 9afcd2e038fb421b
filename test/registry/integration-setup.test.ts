import { describe, expect, it } from 'vitest';
import { createClient, createRegistry, planTools, syncTools } from '../../src/index.js';
import { WEB_SERVICES_INTEGRATION_TYPE } from '../../src/genesys/index.js';
import { startEmulator } from '../support/emulator.js';
import { makeTool as makeBare } from '../sync/tools.js';

/** A tool that names its endpoint (nothing unserved is planned). */
const makeTool = (name: string) =>
  makeBare(name, { endpoint: `https://tools.example.com/api/v1/tools/${name}` });

const TOKEN = 'a-long-random-token-0123456789';

async function setup() {
  const { url, clientId, clientSecret } = await startEmulator();
  const client = createClient({ apiUrl: url, clientId, clientSecret });
  const registry = createRegistry(
    { executionUrl: 'https://tools.example.com', bearerToken: TOKEN },
    client,
  );
  return { client, registry };
}

// Issue 15 item 17: the plan shows what apply does to the integration and its credential.
describe('the integration and credential changes of a plan', () => {
  it('shows enabling a disabled integration, and apply enables it', async () => {
    const { client, registry } = await setup();
    const tools = [makeTool('check_inventory')];
    await syncTools({ registry, tools });
    const [integration] = await client.integrations.findAllByName(
      'genesys-tools',
      WEB_SERVICES_INTEGRATION_TYPE,
    );
    if (integration === undefined) throw new Error('no integration after apply');
    await client.integrations.disable(integration.id);
    const plan = await planTools(registry, [...tools, makeTool('other')]);
    expect(plan.setup?.map((c) => `${c.action} ${c.what}`)).toEqual([
      'enable integration',
      'update credential',
    ]);
    expect(JSON.stringify(plan.setup)).not.toContain(TOKEN);
    await syncTools({ registry, tools: [...tools, makeTool('other')] });
    expect((await client.integrations.get(integration.id)).intendedState).toBe('ENABLED');
  });

  it('plans nothing of them when apply writes no action', async () => {
    const { registry } = await setup();
    const tools = [makeTool('check_inventory')];
    await syncTools({ registry, tools });
    expect((await planTools(registry, tools)).setup).toBeUndefined();
  });

  it('fills a credential slot whose credential is gone (an interrupted earlier run)', async () => {
    const { client, registry } = await setup();
    await syncTools({ registry, tools: [makeTool('check_inventory')] });
    const [integration] = await client.integrations.findAllByName(
      'genesys-tools',
      WEB_SERVICES_INTEGRATION_TYPE,
    );
    if (integration === undefined) throw new Error('no integration after apply');
    const slot = (await client.integrations.getConfig(integration.id)).credentials?.basicAuth?.id;
    if (slot === undefined) throw new Error('no credential after apply');
    await client.credentials.remove(slot);
    const plan = await planTools(registry, [makeTool('check_inventory'), makeTool('other')]);
    expect(plan.setup?.map((c) => `${c.action} ${c.what}`)).toEqual(['create credential']);
    const { result } = await syncTools({
      registry,
      tools: [makeTool('check_inventory'), makeTool('other')],
    });
    expect(result?.applied).toBe(1);
    const filled = (await client.integrations.getConfig(integration.id)).credentials?.basicAuth?.id;
    expect(filled).toBeDefined();
    expect(filled).not.toBe(slot);
  });
});
