/**
 * Catastrophic patterns (issue 14 item 11): the server validates parameters with Ajv, whose
 * `pattern` runs on V8's backtracking engine, so `^(a+)+$` takes seconds on 30 characters an LLM
 * can send. Every pattern is judged by safe-regex2 (Fastify's checker for route patterns), a
 * star-height heuristic: it refuses a quantifier inside a quantified group (`?` and `{n,m}`
 * count), more than 25 quantifiers, and syntax it cannot parse (lookbehind). It can refuse a safe
 * pattern (`^[a-z]+(?:-[a-z]+)*$`) and miss an exponential one (`^(a|a)*$`): a heuristic, not a
 * proof.
 *
 * zod writes its own patterns for its formats (`z.email()`, `z.iso.datetime()`, `z.ipv6()`...),
 * several of which the heuristic refuses although zod keeps them free of catastrophic
 * backtracking (its email pattern was rewritten for CVE-2023-4316). Those exact texts are exempt;
 * the same text written by hand is exempt too, since it is the same pattern.
 */
import safeRegex from 'safe-regex2';
import { z } from 'zod';

/** Precisions zod's time patterns take (`z.iso.time({ precision })`): any (null), minutes (-1), 0 to 9. */
const PRECISIONS = [null, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

function zodFormatPatterns(): ReadonlySet<string> {
  const out = new Set<string>();
  for (const value of Object.values(z.regexes)) {
    if (value instanceof RegExp) out.add(value.source);
  }
  for (const delimiter of [':', '-', '.']) out.add(z.regexes.mac(delimiter).source);
  for (const precision of PRECISIONS) {
    out.add(z.regexes.time({ precision }).source);
    for (const offset of [false, true]) {
      for (const local of [false, true]) {
        out.add(z.regexes.datetime({ precision, offset, local }).source);
      }
    }
  }
  return out;
}

/** zod's own format patterns (about 100 texts, built once at load). */
const ZOD_FORMAT_PATTERNS = zodFormatPatterns();

/**
 * True when the pattern may backtrack catastrophically, as far as safe-regex2 can tell; zod's own
 * format patterns are never unsafe. Pure.
 */
export function isUnsafePattern(pattern: string): boolean {
  return !safeRegex(pattern) && !ZOD_FORMAT_PATTERNS.has(pattern);
}
