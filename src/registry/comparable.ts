/**
 * Normalisation of registrations into comparable JSON (DESIGN "Tool → data action": key order,
 * defaults and whitespace make no diff).
 */
import type { JsonValue } from './registry.js';
import { isRecord } from '../is-record.js';

/**
 * Turns any value into sorted, trimmed JSON: object keys sorted, `undefined` dropped, strings
 * trimmed with runs of whitespace collapsed, `required`-style string arrays sorted.
 */
export function normaliseJson(value: unknown, key = ''): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value.trim().replace(/\s+/g, ' ');
  if (Array.isArray(value)) {
    const items = value.map((v) => normaliseJson(v));
    // The order of `required` and `enum` carries no meaning in a contract.
    if ((key === 'required' || key === 'enum') && items.every((i) => typeof i === 'string')) {
      return [...items].sort();
    }
    return items;
  }
  if (isRecord(value)) {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v === undefined) continue;
      out[k] = normaliseJson(v, k);
    }
    return out;
  }
  return null;
}

/** `normaliseJson` of an object, typed as the object it stays. */
export function normaliseObject(value: Readonly<Record<string, unknown>>): {
  readonly [key: string]: JsonValue;
} {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(value).sort()) {
    const v = value[k];
    if (v !== undefined) out[k] = normaliseJson(v, k);
  }
  return out;
}

/** Compact, key-sorted JSON text of an already normalised value. */
export function comparableText(value: JsonValue): string {
  return JSON.stringify(value);
}

/** One changed leaf between two comparable values. */
export interface FieldDiff {
  /** Dotted path (`config.timeoutSeconds`, `contract.input.properties.sku.type`). */
  readonly path: string;
  /** Absent when the field is new. */
  readonly before?: JsonValue;
  /** Absent when the field is removed. */
  readonly after?: JsonValue;
}

function isObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field-level differences between two comparable values, in key order. */
export function diffJson(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path = '',
): FieldDiff[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path === '' ? k : `${path}.${k}`));
  }
  if (before === undefined && after === undefined) return [];
  if (
    before !== undefined &&
    after !== undefined &&
    JSON.stringify(before) === JSON.stringify(after)
  ) {
    return [];
  }
  const diff: { path: string; before?: JsonValue; after?: JsonValue } = { path };
  if (before !== undefined) diff.before = before;
  if (after !== undefined) diff.after = after;
  return [diff];
}
