/**
 * The errors of refusals (issue 18, goal 2): a contract error the server answers with and never
 * logs with a stack, built without capturing one. Capturing the stack was 6–9 % of the main-thread
 * time of a refused 429 or 422 (bench/profile-calls.ts).
 */
import { InvocationError } from '../errors.js';
import type { InvocationErrorCode, InvocationErrorOptions } from '../errors.js';

/** An `InvocationError` without a stack trace, for a refusal before the handler ran. */
export function refusalError(
  code: InvocationErrorCode,
  message: string,
  options?: InvocationErrorOptions,
): InvocationError {
  const limit = Error.stackTraceLimit;
  // Restored before anything else can run: the construction is synchronous.
  Error.stackTraceLimit = 0;
  try {
    return new InvocationError(code, message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
