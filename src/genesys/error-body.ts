/**
 * Reading a Genesys error body (reference §1, §8.3): its field-level problems, the permissions a
 * 403 names, and the permission table of the calls the client makes.
 */
import type { ErrorBodyWire } from './wire.js';
import { ErrorBodyWireSchema } from './wire.js';

/** One field-level problem of a 400/422 answer. */
export interface FieldProblem {
  readonly field?: string;
  readonly errorCode?: string;
  readonly message?: string;
}

// Reference §1: the permissions a client-credentials role needs, per call.
const PERMISSIONS: readonly (readonly [method: string, route: RegExp, permission: string])[] = [
  [
    'POST',
    /^\/api\/v2\/integrations\/actions\/[^/]+\/(execute|test|draft\/test)$/,
    'integrations:action:execute',
  ],
  ['GET', /^\/api\/v2\/integrations\/actions(\/.*)?$/, 'integrations:action:view'],
  ['POST', /^\/api\/v2\/integrations\/actions(\/drafts)?$/, 'integrations:action:add'],
  [
    'POST',
    /^\/api\/v2\/integrations\/actions\/[^/]+\/draft(\/publish)?$/,
    'integrations:action:edit',
  ],
  ['PATCH', /^\/api\/v2\/integrations\/actions\/.+$/, 'integrations:action:edit'],
  ['DELETE', /^\/api\/v2\/integrations\/actions\/.+$/, 'integrations:action:delete'],
  ['GET', /^\/api\/v2\/integrations(\/.*)?$/, 'integrations:integration:view'],
  ['POST', /^\/api\/v2\/integrations(\/credentials)?$/, 'integrations:integration:add'],
  ['PATCH', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:edit'],
  ['PUT', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:edit'],
  ['DELETE', /^\/api\/v2\/integrations\/.+$/, 'integrations:integration:delete'],
];

/** The role permission a call needs (reference §1), or undefined for routes outside the table. */
export function permissionFor(method: string, route: string): string | undefined {
  const upper = method.toUpperCase();
  return PERMISSIONS.find(([m, r]) => m === upper && r.test(route))?.[2];
}

const PERMISSION_PATTERN = /\b[a-zA-Z]+:[a-zA-Z]+:[a-zA-Z*]+\b/g;

/** Permissions named in a 403 body (`messageParams`, then the message text). */
export function permissionsInBody(body: ErrorBodyWire | undefined): readonly string[] {
  if (body === undefined) return [];
  const fromParams = Object.values(body.messageParams ?? {})
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.match(PERMISSION_PATTERN) ?? []);
  if (fromParams.length > 0) return [...new Set(fromParams)];
  const text = `${body.message ?? ''} ${body.messageWithParams ?? ''}`;
  return [...new Set(text.match(PERMISSION_PATTERN) ?? [])];
}

/** Reads a Genesys error body out of whatever the server sent; undefined if it is not one. */
export function parseErrorBody(body: unknown): ErrorBodyWire | undefined {
  const parsed = ErrorBodyWireSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** The field-level problems of a validation answer (`details`, then nested `errors`). */
export function fieldProblems(body: ErrorBodyWire | undefined): readonly FieldProblem[] {
  if (body === undefined) return [];
  const problems: FieldProblem[] = [];
  for (const d of body.details ?? []) {
    problems.push({
      ...(d.fieldName === undefined ? {} : { field: d.fieldName }),
      ...(d.errorCode === undefined ? {} : { errorCode: d.errorCode }),
    });
  }
  for (const nested of body.errors ?? []) {
    const e = parseErrorBody(nested);
    if (e === undefined) continue;
    problems.push({
      ...(e.code === undefined ? {} : { errorCode: e.code }),
      ...(e.message === undefined ? {} : { message: e.message }),
    });
  }
  return problems;
}
