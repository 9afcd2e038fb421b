/**
 * The type of one data-action input (API reference §7.3, §10.2): Genesys checks each input's
 * `type` against an enum of single type names, so a type list (`["string","null"]`, what zod
 * writes for `.nullish()`) is refused with a 400, and since 2024-03-15 `/execute` drops null
 * inputs. We accept exactly one of string, integer, number, boolean, and say how an optional input
 * is written instead. Pure: schema in, issues out.
 */
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import { isPlainObject } from './to-json-schema.js';

/** How an optional input is written; the fix line of every nullable input. */
export const OPTIONAL_INPUT_FIX =
  'an optional input is one that is not required: in zod write .optional() instead of ' +
  '.nullable(); in a manifest drop "null" from "type" and leave the input out of "required"';

/** The hint for a parameter-map entry whose `type` is a list. */
export const PARAMETER_MAP_TYPE_FIX =
  'give one type name; an optional parameter is one with "required: false" (the default), not a "null" type';

function isNullSchema(node: unknown): boolean {
  if (!isPlainObject(node)) return false;
  const t = node['type'];
  return t === 'null' || (Array.isArray(t) && t.includes('null'));
}

/** The branches of an `anyOf`/`oneOf` (zod writes `.nullable()` of an enum or a number so). */
function unionBranches(schema: Readonly<Record<string, unknown>>):
  | {
      keyword: 'anyOf' | 'oneOf';
      branches: readonly unknown[];
    }
  | undefined {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) return { keyword, branches };
  }
  return undefined;
}

function typeListIssue(at: string, types: readonly unknown[]): DefinitionIssue {
  const nullable = types.includes('null');
  return issue(
    'DEFINITION_INPUT_TYPE_LIST',
    `${at}/type`,
    `"type" is a list (${JSON.stringify(types)}); Genesys accepts exactly one type per input` +
      (nullable ? ' and drops null inputs' : ''),
    nullable
      ? OPTIONAL_INPUT_FIX
      : 'keep one of string, integer, number, boolean; split the input in two if it takes two kinds of value',
  );
}

function untypedIssue(at: string, schema: Readonly<Record<string, unknown>>): DefinitionIssue {
  const union = unionBranches(schema);
  if (union !== undefined && union.branches.some(isNullSchema)) {
    return issue(
      'DEFINITION_INPUT_TYPE_LIST',
      `${at}/${union.keyword}`,
      `"${union.keyword}" with a null branch (zod's .nullable()); Genesys accepts exactly one type per input and drops null inputs`,
      OPTIONAL_INPUT_FIX,
    );
  }
  return issue(
    'DEFINITION_UNSUPPORTED_TYPE',
    `${at}/type`,
    'a data-action input needs exactly one "type" of string, integer, number or boolean',
    'give the parameter a single primitive type (a union, z.any() or z.unknown() has none)',
  );
}

/**
 * Problems with the `type` of the data-action input at pointer `at` (`/input/properties/sku`).
 * Unknown type names (`date`) are left to the capability matrix, which names their fix.
 */
export function inputTypeIssues(at: string, schema: unknown): DefinitionIssue[] {
  const node = isPlainObject(schema) ? schema : {};
  const t = node['type'];
  if (t === undefined) return [untypedIssue(at, node)];
  if (Array.isArray(t)) return [typeListIssue(at, t)];
  if (t === 'object' || t === 'array') {
    return [
      issue(
        'DEFINITION_NESTED_INPUT',
        `${at}/type`,
        `"${t}" input is not allowed: data-action input contracts are flat`,
      ),
    ];
  }
  if (t === 'null') {
    return [
      issue(
        'DEFINITION_UNSUPPORTED_TYPE',
        `${at}/type`,
        '"null" input is not allowed: Genesys drops null inputs',
        OPTIONAL_INPUT_FIX,
      ),
    ];
  }
  return [];
}
