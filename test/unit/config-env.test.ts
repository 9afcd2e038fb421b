import { describe, expect, it } from 'vitest';
import { loadEnvConfig } from '../../src/config.js';

describe('environment configuration', () => {
  it('takes the OTLP endpoint and service name from the standard OTEL_ variables', () => {
    const config = loadEnvConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'tools-eu',
    });
    expect(config).toMatchObject({
      otlpEndpoint: 'http://127.0.0.1:4318',
      serviceName: 'tools-eu',
    });
    expect(loadEnvConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).otlpEndpoint).toBeUndefined();
  });

  it('refuses an OTLP endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => loadEnvConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
