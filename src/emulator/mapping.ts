/**
 * Response mapping (reference §8.2): each translationMap entry is a JSONPath over the response;
 * its value goes into the success template as JSON text; a default (also JSON text) is used only
 * when the path finds nothing.
 */
import { JSONPath } from 'jsonpath-plus';

/** The outcome of mapping one response. */
export type MappingResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly key: string; readonly path: string; readonly reason: string };

// Jayway semantics: wildcards, deep scans, filters, unions and slices give arrays; other paths
// give one value.
const INDEFINITE = /\.\.|\*|\?\(|\[[^\]]*[,:][^\]]*\]/;

/** True when a JSONPath can match several nodes (its value is then an array). Pure. */
export function isIndefinitePath(path: string): boolean {
  return INDEFINITE.test(path);
}

/** The value a JSONPath selects, or undefined when it selects nothing. Pure. */
export function selectPath(json: unknown, path: string): { readonly value: unknown } | undefined {
  const matches: unknown = JSONPath({ path, json: json as object | null, wrap: true });
  const list = Array.isArray(matches) ? matches : [];
  // An indefinite path with no match counts as "nothing" so that defaults such as "[0]" apply
  // (the reference leaves this unclear; the Blueprint's defaults only make sense this way).
  if (list.length === 0) return undefined;
  return { value: isIndefinitePath(path) ? list : list[0] };
}

/** Maps a parsed response through a translation map and its defaults. Pure. */
export function mapResponse(
  json: unknown,
  translationMap: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
): MappingResult {
  const values: Record<string, string> = {};
  for (const [key, path] of Object.entries(translationMap)) {
    let selected: { readonly value: unknown } | undefined;
    try {
      selected = selectPath(json, path);
    } catch (error) {
      return {
        ok: false,
        key,
        path,
        reason: `invalid JSONPath (${error instanceof Error ? error.message : 'error'})`,
      };
    }
    if (selected !== undefined) {
      values[key] = JSON.stringify(selected.value) ?? 'null';
      continue;
    }
    const fallback = defaults[key];
    if (fallback === undefined) {
      return {
        ok: false,
        key,
        path,
        reason: 'the JSONPath found no value and there is no default',
      };
    }
    values[key] = fallback;
  }
  return { ok: true, values };
}
