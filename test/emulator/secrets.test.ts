import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';
import { json, startTarget } from './target-server.js';

const SENTINEL = 'SENTINEL-secret-4f9a';

describe('secrets', () => {
  it('never shows a credential value or a client secret in answers, errors or the call log', async () => {
    const target = await startTarget(json(500, { status: 'error' }));
    const emulator = await createEmulator({ clients: [{ id: 'c', secret: `${SENTINEL}-client` }] });
    onTestFinished(() => emulator.close());
    const token = await tokenFor(emulator, 'c', `${SENTINEL}-client`);
    const call = api(emulator, token);
    const integrationId = await createIntegration(call);
    const credential = await call('POST', '/api/v2/integrations/credentials', {
      name: 'ud',
      type: { name: 'userDefined' },
      credentialFields: { token: SENTINEL },
    });
    await call('PUT', `/api/v2/integrations/${integrationId}/config/current`, {
      name: 'x',
      version: 1,
      credentials: { basicAuth: { id: str(credential.body, 'id') } },
    });
    await call('PATCH', `/api/v2/integrations/${integrationId}`, { intendedState: 'ENABLED' });
    const base = actionBody(integrationId);
    const body = {
      ...base,
      config: {
        ...base.config,
        request: {
          ...base.config.request,
          requestUrlTemplate: `${target.url}/t`,
          requestTemplate: '{"key": "${credentials.token}"}',
        },
      },
    };
    const id = str((await call('POST', '/api/v2/integrations/actions', body)).body, 'id');
    const answers = [
      credential,
      await call('GET', `/api/v2/integrations/credentials/${str(credential.body, 'id')}`),
      await call('POST', `/api/v2/integrations/actions/${id}/execute`, { sku: 'A1' }),
      await call('POST', `/api/v2/integrations/actions/${id}/test`, { sku: 'A1' }),
      await call('GET', `/api/v2/integrations/${integrationId}/config/current`),
    ];
    expect(target.received[0]!.body).toContain(SENTINEL);
    for (const answer of answers) expect(answer.raw).not.toContain(SENTINEL);
    expect(JSON.stringify(emulator.calls)).not.toContain(SENTINEL);
    expect(JSON.stringify(emulator.calls)).not.toContain(token);
  });
});
