/**
 * The shape every definition problem is reported in: by `defineTool` (inside a DefinitionError's
 * `details.issues`), by `validateTool` and by `loadTools`.
 */
import type { z } from 'zod';
import type { DefinitionErrorCode } from '../errors.js';
import { ERROR_CATALOGUE } from '../errors.js';

/** One problem of a tool definition, with where it is and how to fix it. */
export interface DefinitionIssue {
  readonly code: DefinitionErrorCode;
  /**
   * JSON pointer into the definition: `/name`, `/timeoutMs`, `/input/properties/sku/type`,
   * `/output/...` ('' for the whole definition). Schema pointers address the canonical schema,
   * whichever style (zod, JSON Schema, parameter map) the tool was written in.
   */
  readonly pointer: string;
  readonly message: string;
  readonly hint: string;
  readonly severity: 'error' | 'warning';
}

/** Builds an error issue; the hint defaults to the catalogue's fix for the code. */
export function issue(
  code: DefinitionErrorCode,
  pointer: string,
  message: string,
  hint: string = ERROR_CATALOGUE[code].fix,
): DefinitionIssue {
  return { code, pointer, message, hint, severity: 'error' };
}

/** Builds a warning issue; the hint defaults to the catalogue's fix for the code. */
export function warning(
  code: DefinitionErrorCode,
  pointer: string,
  message: string,
  hint: string = ERROR_CATALOGUE[code].fix,
): DefinitionIssue {
  return { code, pointer, message, hint, severity: 'warning' };
}

/** Escapes one JSON pointer reference token (RFC 6901 §3). */
export function pointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Joins path segments into a JSON pointer. */
export function toPointer(path: readonly (string | number | symbol)[]): string {
  return path.map((p) => `/${pointerToken(typeof p === 'symbol' ? String(p) : p)}`).join('');
}

/** Issues from one zod issue: each unknown key is a DEFINITION_UNKNOWN_FIELD, the rest get `code`. */
export function fromZodIssue(i: z.core.$ZodIssue, code: DefinitionErrorCode): DefinitionIssue[] {
  if (i.code === 'unrecognized_keys') {
    return i.keys.map((k) =>
      issue('DEFINITION_UNKNOWN_FIELD', toPointer([...i.path, k]), `unknown field "${k}"`),
    );
  }
  return [issue(code, toPointer(i.path), i.message)];
}
