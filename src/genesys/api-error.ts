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
import type { HeaderReader } from './retry.js';
import { serverRetryAfterMs } from './retry.js';
import { ErrorBodyWireSchema } from './wire.js';
import type { ErrorBodyWire } from './wire.js';

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

/** One field-level problem of a 400/422 answer. */
export interface FieldProblem {
  readonly field?: string;
  readonly errorCode?: string;
  readonly message?: string;
}

// Reference §1: the permissions a client-credentials role needs, per call.
const PERMISSIONS: readonly (readonly [method: string, route: RegExp, permission: string])[] = [
  [
    'POST',
    /^\/api\/v2\/integrations\/actions\/[^/]+\/(execute|test|draft\/test)$/,
    'integrations:action:execute',
  ],
  ['GET', /^\/api\/v2\/integrations\/actions(\/.*)?$/, 'integrations:action:view'],
  ['POST', /^\/api\/v2\/integrations\/actions(\/drafts)?$/, 'integrations:action:add'],
  [
    'POST',
    /^\/api\/v2\/integrations\/actions\/[^/]+\/draft(\/publish)?$/,
    'integrations:action:edit',
  ],
  ['PATCH', /^\/api\/v2\/integrations\/actions\/.+$/, 'integrations:action:edit'],
  ['DELETE', /^\/api\/v2\/integrations\/actions\/.+$/, 'integrations:action:delete'],
  ['GET', /^\/api\/v2\/integrations(\/.*)?$/, 'integrations:integration:view'],
  ['POST', /^\/api\/v2\/integrations(\/credentials)?$/, 'integrations:integration:add'],
  ['PATCH', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:edit'],
  ['PUT', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:edit'],
  ['DELETE', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:delete'],
];

/** The role permission a call needs (reference §1), or undefined for routes outside the table. */
export function permissionFor(method: string, route: string): string | undefined {
  const upper = method.toUpperCase();
  return PERMISSIONS.find(([m, r]) => m === upper && r.test(route))?.[2];
}

const PERMISSION_PATTERN = /\b[a-zA-Z]+:[a-zA-Z]+:[a-zA-Z*]+\b/g;

/** Permissions named in a 403 body (`messageParams`, then the message text). */
export function permissionsInBody(body: ErrorBodyWire | undefined): readonly string[] {
  if (body === undefined) return [];
  const fromParams = Object.values(body.messageParams ?? {})
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.match(PERMISSION_PATTERN) ?? []);
  if (fromParams.length > 0) return [...new Set(fromParams)];
  const text = `${body.message ?? ''} ${body.messageWithParams ?? ''}`;
  return [...new Set(text.match(PERMISSION_PATTERN) ?? [])];
}

/** Reads a Genesys error body out of whatever the server sent; undefined if it is not one. */
export function parseErrorBody(body: unknown): ErrorBodyWire | undefined {
  const parsed = ErrorBodyWireSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** The field-level problems of a validation answer (`details`, then nested `errors`). */
export function fieldProblems(body: ErrorBodyWire | undefined): readonly FieldProblem[] {
  if (body === undefined) return [];
  const problems: FieldProblem[] = [];
  for (const d of body.details ?? []) {
    problems.push({
      ...(d.fieldName === undefined ? {} : { field: d.fieldName }),
      ...(d.errorCode === undefined ? {} : { errorCode: d.errorCode }),
    });
  }
  for (const nested of body.errors ?? []) {
    const e = parseErrorBody(nested);
    if (e === undefined) continue;
    problems.push({
      ...(e.code === undefined ? {} : { errorCode: e.code }),
      ...(e.message === undefined ? {} : { message: e.message }),
    });
  }
  return problems;
}

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

const EXECUTION_ROUTE = /\/api\/v2\/integrations\/actions\/[^/]+\/(execute|test|draft\/test)$/;

const GATEWAY_INVOKE_ROUTE = /\/api\/v2\/ai\/assistant\/tools\/[^/]+\/invoke$/;

/**
 * The `error_code` of a tool server's invocation envelope passed through by the gateway's invoke
 * (`{ status: "error", error_code, ... }`, DESIGN "Invocation contract"); undefined otherwise.
 */
function gatewayToolErrorCode(request: RequestInfo, body: unknown): string | undefined {
  if (!GATEWAY_INVOKE_ROUTE.test(request.route ?? request.path)) return undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const code = 'error_code' in body ? body.error_code : undefined;
  const status = 'status' in body ? body.status : undefined;
  return status === 'error' && typeof code === 'string' ? code : undefined;
}

/**
 * True when an answer is the tool's own failure, whatever its status: a data action's (reference
 * §8.3) or a tool server's envelope passed through by the gateway.
 */
export function isExecutionFailure(request: RequestInfo, body: unknown): boolean {
  return (
    executionStage(request, parseErrorBody(body)) !== undefined ||
    gatewayToolErrorCode(request, body) !== undefined
  );
}

/** The failing stage (`ACTION.REMOTE_ENDPOINT`, ...) of an execute/test answer, if it names one. */
export function executionStage(
  request: RequestInfo,
  body: ErrorBodyWire | undefined,
): string | undefined {
  if (!EXECUTION_ROUTE.test(request.route ?? request.path)) return undefined;
  return body?.details?.map((d) => d.errorCode).find((c) => c?.startsWith('ACTION.') === true);
}

/** The error for an exchange that got no answer: a network failure or a timeout. */
export function transportError(
  kind: 'network' | 'timeout',
  request: RequestInfo,
  options: { readonly timeoutMs?: number; readonly cause?: unknown } = {},
): GenesysUnavailableError {
  const where = `${request.method.toUpperCase()} ${request.path}`;
  const message =
    kind === 'timeout'
      ? `${where} timed out after ${options.timeoutMs ?? 0} ms`
      : `${where} failed: ${describeNetworkError(options.cause)}`;
  return new GenesysUnavailableError('GENESYS_UNAVAILABLE', message, {
    status: 0,
    method: request.method.toUpperCase(),
    path: request.path,
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    details: { reason: kind },
  });
}

/** A short description of a fetch failure: undici hides the socket error in `cause`. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? `${cause.code} ` : '';
    return `${error.message} (${code}${cause.message})`;
  }
  return error.message;
}
