/**
 * The one place that turns a Genesys Cloud answer into an error class (STYLE §4): every other
 * module passes non-2xx answers here and never branches on status codes itself.
 */
import {
  GenesysApiError,
  GenesysAuthError,
  GenesysConflictError,
  GenesysForbiddenError,
  GenesysNotFoundError,
  GenesysRateLimitError,
  GenesysUnavailableError,
  GenesysValidationError,
} from '../errors.js';
import type { GenesysApiErrorOptions } from '../errors.js';
import { fieldProblems, parseErrorBody, permissionFor, permissionsInBody } from './error-body.js';
import { executionStage, gatewayToolErrorCode } from './execution-failure.js';
import type { HeaderReader } from './retry.js';
import { serverRetryAfterMs } from './retry.js';

/** The request an answer belongs to, for the error's fields and message. */
export interface RequestInfo {
  readonly method: string;
  /** Path as sent, without the query (`/api/v2/integrations/actions/abc`). */
  readonly path: string;
  /** Path template (`/api/v2/integrations/actions/{id}`), used to name a missing permission. */
  readonly route?: string;
}

/** The route template of the OAuth token endpoint. */
export const TOKEN_ROUTE = '/oauth/token';

/**
 * Maps a non-2xx answer to the error class of STYLE §4, carrying status, Genesys' code, message,
 * contextId, the ININ-Correlation-Id, method and path. `nowMs` is used to read an HTTP-date
 * `Retry-After`.
 */
export function apiErrorFromResponse(
  status: number,
  body: unknown,
  headers: HeaderReader,
  request: RequestInfo & { readonly nowMs?: number },
): GenesysApiError {
  const errorBody = parseErrorBody(body);
  const correlationId = headers.get('inin-correlation-id') ?? undefined;
  const genesysCode = errorBody?.code ?? errorBody?.error;
  const serverMessage = errorBody?.message ?? errorBody?.error_description;
  const where = `${request.method.toUpperCase()} ${request.path}`;
  const said = `${status}${genesysCode === undefined ? '' : ` ${genesysCode}`}`;
  const base = (extra: Partial<GenesysApiErrorOptions> = {}): GenesysApiErrorOptions => ({
    status,
    method: request.method.toUpperCase(),
    path: request.path,
    ...(genesysCode === undefined ? {} : { genesysCode }),
    ...(errorBody?.contextId === undefined ? {} : { contextId: errorBody.contextId }),
    ...(correlationId === undefined ? {} : { correlationId }),
    ...extra,
  });
  const tail = serverMessage === undefined ? '' : `: ${serverMessage}`;
  const isTokenEndpoint = request.route === TOKEN_ROUTE;

  if (isTokenEndpoint && (status === 400 || status === 401 || errorBody?.error !== undefined)) {
    return new GenesysAuthError(
      'GENESYS_AUTH_FAILED',
      `the Genesys Cloud login host refused the client credentials (${said}) at ${where}. ` +
        'Check GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET, and check ' +
        'GENESYS_CLOUD_REGION: an org lives in one region only, and the right credentials sent ' +
        "to another region's login host are refused the same way.",
      base(),
    );
  }
  const stage = executionStage(request, errorBody);
  if (stage !== undefined) {
    // reference §8.3: the action ran and its stage (remote endpoint, processing, authentication)
    // failed; that is the tool's failure, not Genesys being unavailable or the body being invalid.
    // It comes before the 401 branch: /execute mirrors the remote status, so a tool server's 401
    // is not our token being refused.
    return new GenesysApiError(
      'GENESYS_EXECUTION_FAILED',
      `${where} answered ${said}: the data action failed at ${stage}${tail}`,
      { ...base(), details: { stage, fields: fieldProblems(errorBody) } },
    );
  }
  const toolCode = gatewayToolErrorCode(request, body);
  // 401 and 403 only: those would otherwise blame our OAuth client; other statuses keep their class.
  if (toolCode !== undefined && (status === 401 || status === 403)) {
    // The gateway passes the tool server's answer through (DESIGN "Gateway tools contract"): an
    // invocation envelope is the tool's refusal or failure, as on the data-actions target, never
    // our OAuth token being refused.
    return new GenesysApiError(
      'GENESYS_EXECUTION_FAILED',
      `${where} answered ${status}: the tool endpoint answered error_code ${toolCode}${tail}`,
      { ...base(), details: { stage: 'tool endpoint', toolErrorCode: toolCode } },
    );
  }
  if (status === 401) {
    return new GenesysAuthError(
      'GENESYS_AUTH_FAILED',
      `${where} answered ${said}${tail}; the token was refused even after renewal. Check that the ` +
        'OAuth client still exists and uses the client-credentials grant, and GENESYS_CLOUD_REGION.',
      base(),
    );
  }
  if (status === 403) {
    const fromBody = permissionsInBody(errorBody);
    const fromTable = permissionFor(request.method, request.route ?? request.path);
    const permissions = fromBody.length > 0 ? fromBody : fromTable === undefined ? [] : [fromTable];
    const grant =
      permissions.length > 0
        ? `Grant the OAuth client's role the permission ${permissions.join(', ')}.`
        : "Grant the OAuth client's role the permission this call needs.";
    return new GenesysForbiddenError(
      'GENESYS_FORBIDDEN',
      `${where} answered ${said}${tail}. ${grant}`,
      {
        ...base(),
        details: { permissions },
      },
    );
  }
  if (status === 404) {
    return new GenesysNotFoundError(
      'GENESYS_NOT_FOUND',
      `${where} answered ${said}${tail}`,
      base(),
    );
  }
  if (status === 409) {
    return new GenesysConflictError('GENESYS_CONFLICT', `${where} answered ${said}${tail}`, base());
  }
  if (status === 400 || status === 413 || status === 415 || status === 422) {
    const problems = fieldProblems(errorBody);
    const listed = problems
      .map((p) => [p.field, p.errorCode, p.message].filter((x) => x !== undefined).join(' '))
      .filter((s) => s.length > 0);
    return new GenesysValidationError(
      'GENESYS_VALIDATION',
      `${where} answered ${said}${tail}${listed.length > 0 ? ` (${listed.join('; ')})` : ''}`,
      { ...base(), details: { fields: problems } },
    );
  }
  if (status === 429) {
    const retryAfterMs = serverRetryAfterMs(headers, request.nowMs ?? Date.now(), status);
    return new GenesysRateLimitError(
      'GENESYS_RATE_LIMITED',
      `${where} answered ${said}${tail}; retries are exhausted`,
      base(retryAfterMs === undefined ? {} : { retryAfterMs }),
    );
  }
  if (status >= 500 || status === 408) {
    return new GenesysUnavailableError(
      'GENESYS_UNAVAILABLE',
      `${where} answered ${said}${tail}`,
      base(),
    );
  }
  return new GenesysApiError(
    'GENESYS_UNEXPECTED_RESPONSE',
    `${where} answered ${said}${tail}`,
    base(),
  );
}
