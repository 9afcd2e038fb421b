import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { tempDir } from '../support/temp-dir.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';

const STATE = 'emulator-state.json';

describe('persistence', () => {
  it('keeps integrations, credentials, actions, tools and tokens across a restart', async () => {
    const dataDir = tempDir();
    const first = await createEmulator({ dataDir });
    const token = await tokenFor(first);
    const call = api(first, token);
    const integrationId = await createIntegration(call);
    const actionId = str(
      (await call('POST', '/api/v2/integrations/actions', actionBody(integrationId))).body,
      'id',
    );
    await call('PATCH', `/api/v2/integrations/actions/${actionId}`, {
      version: 1,
      category: 'kept',
    });
    await first.close();

    const second = await createEmulator({ dataDir });
    try {
      const again = api(second, token);
      const action = await again('GET', `/api/v2/integrations/actions/${actionId}`);
      expect(action.status).toBe(200);
      expect(action.body).toMatchObject({ version: 2, category: 'kept', integrationId });
      expect((await again('GET', `/api/v2/integrations/${integrationId}`)).status).toBe(200);
    } finally {
      await second.close();
    }
    expect(readdirSync(dataDir)).toEqual([STATE]);
  });

  it('keeps state in memory only when no data directory is given', async () => {
    const first = await createEmulator();
    const call = api(first, await tokenFor(first));
    await createIntegration(call);
    await first.close();
    const second = await createEmulator();
    const list = await api(second, await tokenFor(second))('GET', '/api/v2/integrations');
    expect(list.body).toMatchObject({ total: 0 });
    await second.close();
  });

  it.each([
    ['not JSON', '{"formatVersion": 1, "integ'],
    ['JSON of the wrong shape', JSON.stringify({ formatVersion: 1, integrations: 'nope' })],
  ])('reports a corrupt state file (%s) and leaves it untouched', async (_case, content) => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, STATE), content);
    await expect(createEmulator({ dataDir })).rejects.toMatchObject({
      code: 'EMULATOR_STORE_CORRUPT',
    });
    expect(readFileSync(join(dataDir, STATE), 'utf8')).toBe(content);
  });
});
