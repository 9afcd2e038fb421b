/**
 * Checks of the parameters that come before the tool's schema (issue 14 §8, §9): nesting depth and
 * well-formed Unicode, which no JSON Schema states, and the bound on the issues a refusal lists.
 * Both were the caller's fault yet reached the handler, the audit's canonical JSON and the logger,
 * and ended as 500 EXECUTION_FAILURE; an invalid 120,000-item array answered a 9 MB 422.
 */
import { InvocationError } from '../errors.js';
import { refusalError } from './refusal-error.js';

/** Deepest nesting of objects and arrays accepted in `parameters` (the object itself is 1). */
export const MAX_PARAMETER_DEPTH = 64;
/** Most issues a refusal lists; the message says how many more there were. */
export const MAX_REPORTED_ISSUES = 20;
/** Longest path or message of one reported issue. */
const MAX_ISSUE_TEXT = 200;

/** One problem with the parameters, at a JSON pointer. */
export interface ParameterIssue {
  readonly path: string;
  readonly message: string;
}

// In a `u` regex a well-formed pair is one code point outside Cs: only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

function token(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

type Found = { readonly kind: 'depth' } | { readonly kind: 'surrogate'; readonly path: string };

function scan(value: unknown, depth: number, path: string): Found | undefined {
  if (typeof value === 'string') {
    return LONE_SURROGATE.test(value) ? { kind: 'surrogate', path } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_PARAMETER_DEPTH) return { kind: 'depth' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = scan(value[i], depth + 1, `${path}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}/${token(key)}`;
    if (LONE_SURROGATE.test(key)) return { kind: 'surrogate', path: at };
    const found = scan(inner, depth + 1, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses parameters nested deeper than MAX_PARAMETER_DEPTH or holding a lone UTF-16 surrogate
 * (in a key or a string), which no JSON text from a correct encoder carries. Returns the error to
 * answer, or undefined. Recursion stops at the bound, so any nesting is safe to scan.
 */
export function checkParameterShape(parameters: unknown): InvocationError | undefined {
  const found = scan(parameters, 1, '');
  if (found === undefined) return undefined;
  if (found.kind === 'depth') {
    return refusalError(
      'INVALID_PAYLOAD',
      `parameters are nested more than ${MAX_PARAMETER_DEPTH} levels deep; flatten them.`,
    );
  }
  const issue = {
    path: found.path,
    message: 'is not well-formed Unicode (a lone UTF-16 surrogate)',
  };
  return refusalError(
    'INVALID_PARAMETERS',
    `the parameters are invalid: ${found.path || '/'} ${issue.message}.`,
    { details: { issues: [issue] } },
  );
}

function clip(text: string): string {
  return text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}…` : text;
}

/**
 * The issues a refusal lists, at most MAX_REPORTED_ISSUES, each clipped, and the sentence that
 * names them ("and N more" when some were left out). Pure.
 */
export function reportIssues(issues: readonly ParameterIssue[]): {
  readonly listed: readonly ParameterIssue[];
  readonly text: string;
} {
  const listed = issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((i) => ({ path: clip(i.path), message: clip(i.message) }));
  const more = issues.length - listed.length;
  const text =
    listed.map((i) => `${i.path || '/'} ${i.message}`).join('; ') +
    (more > 0 ? `; and ${more} more` : '');
  return { listed, text };
}

/** The INVALID_PARAMETERS error of a failed schema check, its issues bounded. */
export function invalidParameters(
  toolName: string,
  issues: readonly ParameterIssue[],
): InvocationError {
  const { listed, text } = reportIssues(issues);
  return refusalError(
    'INVALID_PARAMETERS',
    `the parameters do not match the schema of "${toolName}": ${text}.`,
    { details: { issues: listed, issueCount: issues.length } },
  );
}

/**
 * The same error with its `details.issues` bounded, for INVALID_PARAMETERS a handler throws (a
 * zod refinement over a large array lists an issue per item). Other errors are returned as they are.
 */
export function boundIssues(error: InvocationError): InvocationError {
  const issues = error.details?.issues;
  if (!Array.isArray(issues) || issues.length <= MAX_REPORTED_ISSUES) return error;
  const { listed } = reportIssues(issues.filter(isIssue));
  const message =
    error.message.length > 4 * MAX_ISSUE_TEXT
      ? `${error.message.slice(0, 4 * MAX_ISSUE_TEXT)}…`
      : error.message;
  return new InvocationError(
    error.code,
    `${message} (${issues.length} issues; the first ${listed.length} are listed)`,
    {
      cause: error,
      details: { ...error.details, issues: listed, issueCount: issues.length },
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    },
  );
}

function isIssue(value: unknown): value is ParameterIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'path' in value &&
    'message' in value &&
    typeof value.path === 'string' &&
    typeof value.message === 'string'
  );
}
