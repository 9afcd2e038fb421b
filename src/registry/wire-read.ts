/**
 * Small readers of wire bodies: the registry reads only a few fields and keeps the rest as
 * `unknown`, narrowed by guards (STYLE §3).
 */

import { isRecord } from '../is-record.js';

export { isRecord };

/** The object, or an empty one. */
export function recordOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** The string field, if it is one. */
export function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

/** The number field, if it is one. */
export function numberField(value: Record<string, unknown>, key: string): number | undefined {
  const v = value[key];
  return typeof v === 'number' ? v : undefined;
}

/** The `entities` of a listing page, as records. */
export function entitiesOf(page: unknown): Record<string, unknown>[] {
  const entities = recordOf(page).entities;
  return Array.isArray(entities) ? entities.filter(isRecord) : [];
}

/** `{ signal }` when there is one (exactOptionalPropertyTypes forbids passing `undefined`). */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
