/**
 * Thrown by a handler for a failure worth another attempt (an upstream 503, a reset connection).
 * The execution server retries only these, up to the tool's `retries`; any other error fails at once.
 */
export class RetryableToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableToolError';
  }
}

/** True for a `RetryableToolError`, also from another copy of the package (checked by name). */
export function isRetryableToolError(value: unknown): value is RetryableToolError {
  return value instanceof Error && value.name === 'RetryableToolError';
}
