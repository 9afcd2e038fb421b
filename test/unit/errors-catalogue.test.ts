import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../../scripts/render-errors-doc.js';
import {
  ConfigError,
  ERROR_CATALOGUE,
  GenesysRateLimitError,
  InvocationError,
  isGenesysToolsError,
} from '../../src/errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists every code exactly as the catalogue does (run npm run docs:errors)', () => {
    const onDisk = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorsDoc());
  });

  it('gives every code a summary and a fix', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(entry.summary.length, code).toBeGreaterThan(10);
      expect(entry.fix.length, code).toBeGreaterThan(10);
    }
  });

  it('recognises its errors by brand, not by class identity', () => {
    const error = new ConfigError('CONFIG_MISSING', 'GENESYS_CLOUD_CLIENT_ID is not set');
    expect(isGenesysToolsError(error)).toBe(true);
    expect(isGenesysToolsError(new Error('x'))).toBe(false);
    expect(isGenesysToolsError({ code: 'CONFIG_MISSING' })).toBe(false);
    expect(error.fix).toBe(ERROR_CATALOGUE.CONFIG_MISSING.fix);
  });

  it.each([
    ['INVALID_PAYLOAD', 400],
    ['TOOL_NAME_MISMATCH', 400],
    ['UNAUTHORIZED', 401],
    ['UNKNOWN_TOOL', 404],
    ['PAYLOAD_TOO_LARGE', 413],
    ['INVALID_PARAMETERS', 422],
    ['RATE_LIMITED', 429],
    ['OVERLOADED', 503],
    ['CIRCUIT_OPEN', 503],
    ['STORE_UNAVAILABLE', 503],
    ['TOOL_EXECUTION_TIMEOUT', 504],
    ['EXECUTION_FAILURE', 500],
  ] as const)('maps wire code %s to HTTP %i', (code, status) => {
    expect(new InvocationError(code, 'x').httpStatus).toBe(status);
  });

  it('keeps API error fields', () => {
    const error = new GenesysRateLimitError('GENESYS_RATE_LIMITED', 'slow down', {
      status: 429,
      genesysCode: 'too.many.requests.retry.after',
      retryAfterMs: 1000,
      correlationId: 'c-1',
    });
    expect(error).toMatchObject({ status: 429, retryAfterMs: 1000, correlationId: 'c-1' });
    expect(error.name).toBe('GenesysRateLimitError');
  });
});
