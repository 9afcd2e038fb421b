/**
 * Issue 18, goal 2: a call refused before authentication is counted in the metrics but exports no
 * span: a flood of unauthenticated calls must not cost a span each, nor fill the trace backend.
 * An authenticated call, refused or not, keeps its span.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startOtlpCollector } from '../support/otlp-receiver.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { parsePrometheusText, valueOf } from '../telemetry/prometheus-text.js';
import { invoke, server } from './helpers.js';

describe('spans of refused calls', () => {
  it('exports no span for a call refused before authentication, and counts it', async () => {
    const otlp = await startOtlpCollector();
    const telemetry = await createTelemetry({
      toolNames: ['check_inventory'],
      metricsPort: false,
      otlpEndpoint: otlp.url,
    });
    let shut = false;
    onTestFinished(async () => {
      if (!shut) await telemetry.shutdown();
    });
    const app = await server({ observer: telemetry.observer });
    const noCredentials = { 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) {
      expect((await invoke(app, { sku: 'A-1' }, 'check_inventory', noCredentials)).statusCode).toBe(
        401,
      );
    }
    expect((await invoke(app, { sku: 42 })).statusCode).toBe(422);
    expect((await invoke(app)).statusCode).toBe(200);
    const metrics = parsePrometheusText(await telemetry.collectPrometheusText());
    shut = true;
    await telemetry.shutdown();

    const exported = otlp.received.map((r) => r.text).join('');
    // The 422 and the 200: authenticated calls keep their spans.
    expect(exported.match(/"execute_tool check_inventory"/g) ?? []).toHaveLength(2);
    expect(
      valueOf(metrics, 'http_server_request_duration_seconds_count', {
        gen_ai_tool_name: 'check_inventory',
        http_response_status_code: '401',
      }),
    ).toBe(3);
  });
});
