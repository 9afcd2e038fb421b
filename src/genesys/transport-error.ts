/**
 * The errors of an exchange that got no answer (a network failure or a timeout), with a short
 * description of the socket error undici hides in `cause`.
 */
import { GenesysUnavailableError } from '../errors.js';
import type { RequestInfo } from './api-error.js';

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
