import { describe, expect, it } from 'vitest';
import {
  GenesysApiError,
  GenesysAuthError,
  GenesysConflictError,
  GenesysForbiddenError,
  GenesysNotFoundError,
  GenesysRateLimitError,
  GenesysUnavailableError,
  GenesysValidationError,
} from '../../src/errors.js';
import { apiErrorFromResponse, permissionFor } from '../../src/genesys/index.js';
import { transportError } from '../../src/genesys/transport-error.js';

const headers = new Headers({ 'inin-correlation-id': 'corr-1', 'retry-after': '7' });
const request = {
  method: 'POST',
  path: '/api/v2/integrations/actions',
  route: '/api/v2/integrations/actions',
};
const body = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  status,
  code,
  message: `message for ${code}`,
  contextId: 'ctx-1',
  ...extra,
});

describe('apiErrorFromResponse', () => {
  it.each([
    [401, 'authentication.required', GenesysAuthError, 'GENESYS_AUTH_FAILED'],
    [403, 'missing.any.permissions', GenesysForbiddenError, 'GENESYS_FORBIDDEN'],
    [404, 'not.found', GenesysNotFoundError, 'GENESYS_NOT_FOUND'],
    [409, 'general.resource.conflict', GenesysConflictError, 'GENESYS_CONFLICT'],
    [400, 'bad.request', GenesysValidationError, 'GENESYS_VALIDATION'],
    [422, 'payload.or.params.invalid', GenesysValidationError, 'GENESYS_VALIDATION'],
    [413, 'request.entity.too.large', GenesysValidationError, 'GENESYS_VALIDATION'],
    [429, 'too.many.requests.retry.after', GenesysRateLimitError, 'GENESYS_RATE_LIMITED'],
    [500, 'internal.server.error', GenesysUnavailableError, 'GENESYS_UNAVAILABLE'],
    [503, 'service.unavailable', GenesysUnavailableError, 'GENESYS_UNAVAILABLE'],
    [504, 'request.timeout', GenesysUnavailableError, 'GENESYS_UNAVAILABLE'],
    [501, 'not.implemented', GenesysUnavailableError, 'GENESYS_UNAVAILABLE'],
    [418, 'teapot', GenesysApiError, 'GENESYS_UNEXPECTED_RESPONSE'],
  ])('maps %d %s to %o with code %s and every field', (status, code, cls, errorCode) => {
    const error = apiErrorFromResponse(status, body(status, code), headers, request);
    expect(error).toBeInstanceOf(cls);
    expect(error).toMatchObject({
      code: errorCode,
      status,
      genesysCode: code,
      contextId: 'ctx-1',
      correlationId: 'corr-1',
      method: 'POST',
      path: '/api/v2/integrations/actions',
    });
    expect(error.message).toContain(`message for ${code}`);
    expect(error.message).toContain('POST /api/v2/integrations/actions');
  });

  it('carries the Retry-After of a 429', () => {
    const error = apiErrorFromResponse(429, body(429, 'too.many.requests'), headers, request);
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('lists the field problems of a validation error in details and the message', () => {
    const error = apiErrorFromResponse(
      400,
      body(400, 'bad.request', {
        details: [{ errorCode: 'ACTION.PROCESSING', fieldName: 'contract.input.inputSchema' }],
        errors: [{ code: 'INVALID_SCHEMA', message: 'Must be an Object with properties' }],
      }),
      headers,
      request,
    );
    expect(error.details).toEqual({
      fields: [
        { field: 'contract.input.inputSchema', errorCode: 'ACTION.PROCESSING' },
        { errorCode: 'INVALID_SCHEMA', message: 'Must be an Object with properties' },
      ],
    });
    expect(error.message).toContain('contract.input.inputSchema ACTION.PROCESSING');
  });

  it('names the permission a 403 body names', () => {
    const error = apiErrorFromResponse(
      403,
      body(403, 'missing.any.permissions', {
        message:
          'Unable to perform the requested action. You are missing the following permission(s): [integrations:action:add]',
      }),
      headers,
      request,
    );
    expect(error.details).toEqual({ permissions: ['integrations:action:add'] });
    expect(error.message).toContain(
      "Grant the OAuth client's role the permission integrations:action:add",
    );
  });

  it('names the permission from messageParams before the message text', () => {
    const error = apiErrorFromResponse(
      403,
      body(403, 'missing.permissions', {
        messageParams: { permission: 'integrations:action:edit' },
      }),
      headers,
      request,
    );
    expect(error.details).toEqual({ permissions: ['integrations:action:edit'] });
  });

  it.each([
    ['GET', '/api/v2/integrations/actions', 'integrations:action:view'],
    ['GET', '/api/v2/integrations/actions/{id}', 'integrations:action:view'],
    ['POST', '/api/v2/integrations/actions', 'integrations:action:add'],
    ['POST', '/api/v2/integrations/actions/drafts', 'integrations:action:add'],
    ['PATCH', '/api/v2/integrations/actions/{id}', 'integrations:action:edit'],
    ['POST', '/api/v2/integrations/actions/{id}/draft/publish', 'integrations:action:edit'],
    ['DELETE', '/api/v2/integrations/actions/{id}', 'integrations:action:delete'],
    ['POST', '/api/v2/integrations/actions/{id}/execute', 'integrations:action:execute'],
    ['POST', '/api/v2/integrations/actions/{id}/test', 'integrations:action:execute'],
    ['GET', '/api/v2/integrations', 'integrations:integration:view'],
    ['POST', '/api/v2/integrations', 'integrations:integration:add'],
    ['POST', '/api/v2/integrations/credentials', 'integrations:integration:add'],
    ['PATCH', '/api/v2/integrations/{id}', 'integrations:integration:edit'],
    ['PUT', '/api/v2/integrations/{id}/config/current', 'integrations:integration:edit'],
    ['DELETE', '/api/v2/integrations/credentials/{id}', 'integrations:integration:delete'],
    ['GET', '/api/v2/ai/assistant/tools', undefined],
  ])('%s %s needs %s', (method, route, permission) => {
    expect(permissionFor(method, route)).toBe(permission);
  });

  it('falls back to the route table when a 403 body names no permission', () => {
    const error = apiErrorFromResponse(403, { code: 'missing.any.permissions' }, new Headers(), {
      method: 'DELETE',
      path: '/api/v2/integrations/actions/abc',
      route: '/api/v2/integrations/actions/{id}',
    });
    expect(error.details).toEqual({ permissions: ['integrations:action:delete'] });
    expect(error.message).toContain('integrations:action:delete');
  });

  it.each([400, 401])(
    'turns invalid_client (%d) from the token endpoint into an auth error naming the region',
    (status) => {
      const error = apiErrorFromResponse(
        status,
        {
          error: 'invalid_client',
          description: 'authentication failed',
          error_description: 'authentication failed',
        },
        new Headers(),
        { method: 'POST', path: '/oauth/token', route: '/oauth/token' },
      );
      expect(error).toBeInstanceOf(GenesysAuthError);
      expect(error).toMatchObject({
        code: 'GENESYS_AUTH_FAILED',
        genesysCode: 'invalid_client',
        status,
      });
      expect(error.message).toContain('GENESYS_CLOUD_CLIENT_ID');
      expect(error.message).toContain('GENESYS_CLOUD_CLIENT_SECRET');
      expect(error.message).toContain('GENESYS_CLOUD_REGION');
      expect(error.message).toContain('one region');
    },
  );

  it('keeps a non-JSON body out of the fields but still maps the status', () => {
    const error = apiErrorFromResponse(502, '<html>bad gateway</html>', new Headers(), request);
    expect(error).toBeInstanceOf(GenesysUnavailableError);
    expect(error.genesysCode).toBeUndefined();
  });

  it.each(['network', 'timeout'] as const)(
    'makes a %s failure an unavailable error with status 0',
    (kind) => {
      const error = transportError(kind, request, {
        timeoutMs: 100,
        cause: new TypeError('fetch failed'),
      });
      expect(error).toBeInstanceOf(GenesysUnavailableError);
      expect(error).toMatchObject({
        code: 'GENESYS_UNAVAILABLE',
        status: 0,
        details: { reason: kind },
      });
    },
  );

  it.each([
    ['/api/v2/integrations/actions/{id}/execute', 'GENESYS_EXECUTION_FAILED'],
    ['/api/v2/integrations/actions/{id}/draft/test', 'GENESYS_EXECUTION_FAILED'],
    ['/api/v2/integrations/actions/{id}', 'GENESYS_UNAVAILABLE'],
  ])('maps a 500 naming ACTION.REMOTE_ENDPOINT on %s to %s', (route, code) => {
    const error = apiErrorFromResponse(
      500,
      body(500, 'internal.server.error', { details: [{ errorCode: 'ACTION.REMOTE_ENDPOINT' }] }),
      headers,
      { method: 'POST', path: route.replace('{id}', 'a-1'), route },
    );
    expect(error.code).toBe(code);
    if (code === 'GENESYS_EXECUTION_FAILED') {
      expect(error.details).toMatchObject({ stage: 'ACTION.REMOTE_ENDPOINT' });
      expect(error.status).toBe(500);
    }
  });
});
