/** Marks a RetryableToolError in every copy of the package (Symbol.for is shared by the realm). */
const RETRYABLE_BRAND = Symbol.for('genesys-tools.retryable-tool-error');

/**
 * Thrown by a handler for a failure worth another attempt (an upstream 503, a reset connection).
 * The execution server retries only these, up to the tool's `retries`; any other error fails at once.
 */
export class RetryableToolError extends Error {
  readonly [RETRYABLE_BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableToolError';
  }
}

/**
 * True for a `RetryableToolError`, also from another copy of the package: a tool loaded by
 * `serve` imports its own copy of this module, so `instanceof` would fail (issue 14 §3). Checked
 * by brand, and by name for errors made by copies older than the brand.
 */
export function isRetryableToolError(value: unknown): value is RetryableToolError {
  if (typeof value !== 'object' || value === null) return false;
  return (
    RETRYABLE_BRAND in value || (value instanceof Error && value.name === 'RetryableToolError')
  );
}
