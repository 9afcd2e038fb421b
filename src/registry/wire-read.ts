/**
 * Small helpers of the registry's calls through the typed client: answers are parsed there (zod,
 * `genesys/wire.ts`); only the registry's own loose records are read here.
 */
import { isRecord } from '../is-record.js';

/** The object, or an empty one. */
export function recordOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** `{ signal }` when there is one (exactOptionalPropertyTypes forbids passing `undefined`). */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
