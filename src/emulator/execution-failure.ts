/**
 * The failures of an emulated `/execute` as reference §8.3 shapes them: the ErrorBody with the
 * failing stage, and the code the emulator uses when it mirrors a remote status.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorDetailWire } from './wire.js';
import { ApiFailure } from './wire.js';

type Stage = 'ACTION.REMOTE_ENDPOINT' | 'ACTION.PROCESSING';

/** An /execute failure as reference §8.3 shapes it. */
export function executionFailure(options: {
  readonly status: number;
  readonly code: string;
  readonly stage: Stage;
  readonly nestedCode: string;
  readonly message: string;
  readonly correlationId: string;
  readonly details?: readonly ErrorDetailWire[];
}): ApiFailure {
  const message = `REST call for action execute failed. Message: ${options.message} [${options.correlationId}]`;
  return new ApiFailure(options.status, options.code, message, {
    details: [{ errorCode: options.stage }, ...(options.details ?? [])],
    errors: [{ message, code: options.nestedCode, status: options.status }],
  });
}

/** A status's reason phrase in upper snake case (`BAD_GATEWAY`), as nested codes use it. */
export function upperSnake(status: number): string {
  return (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The ErrorBody code the emulator uses when it mirrors a remote status. Pure. */
export function codeForStatus(status: number): string {
  const table: Readonly<Record<number, string>> = {
    404: 'not.found',
    408: 'client.timeout',
    409: 'general.conflict',
    413: 'request.entity.too.large',
    429: 'too.many.requests',
    502: 'bad.gateway',
    503: 'service.unavailable',
    504: 'request.timeout',
  };
  return table[status] ?? (status >= 500 ? 'internal.server.error' : 'bad.request');
}
