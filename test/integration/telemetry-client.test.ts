import { describe, expect, it, onTestFinished } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { parsePrometheusText, valueOf } from '../telemetry/prometheus-text.js';
import { startEmulator } from '../support/emulator.js';

describe('telemetry of the Genesys client', () => {
  it('counts the client requests by route template and status, and its token renewals', async () => {
    const emulator = await startEmulator();
    const telemetry = await createTelemetry({ toolNames: [], metricsPort: false });
    onTestFinished(() => telemetry.shutdown());
    const client = createGenesysClient({
      apiUrl: emulator.url,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      onEvent: telemetry.onClientEvent,
    });
    const missingId = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    await expect(client.dataActions.get(missingId)).rejects.toMatchObject({
      code: 'GENESYS_NOT_FOUND',
    });
    const text = await telemetry.collectPrometheusText();
    expect(text).not.toContain(missingId);
    const m = parsePrometheusText(text);
    const requests = m.samples.filter((s) => s.name === 'genesys_tools_client_requests_total');
    const notFound = requests.filter((s) => s.labels.http_response_status_code === '404');
    expect(notFound).toHaveLength(1);
    expect(notFound[0]?.labels.http_request_method).toBe('GET');
    expect(notFound[0]?.labels.http_route).toMatch(/^\/api\/v2\/integrations\/actions\/\{\w+\}$/);
    expect(
      valueOf(m, 'genesys_tools_client_token_renewals_total', { genesys_tools_outcome: 'renewed' }),
    ).toBe(1);
  });
});
