/**
 * The invocation envelope and the reply shapes (DESIGN "Invocation contract"), converted once at
 * the edge: wire names (`tool_name`, `invocation_id`) live only in the `...Wire` types.
 */
import { z } from 'zod';
import type { InvocationError, InvocationErrorCode } from '../errors.js';
import { refusalError } from './refusal-error.js';

/** The request body Genesys (through the data action's request template) or a gateway sends. */
export const InvocationRequestWireSchema = z.strictObject({
  tool_name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  conversation_id: z.string().min(1).optional(),
  user_id: z.string().min(1).optional(),
});

/** The body of `POST /api/v1/tools/{name}`. */
export type InvocationRequestWire = z.output<typeof InvocationRequestWireSchema>;

/** The success reply. */
export interface InvocationSuccessWire {
  readonly status: 'success';
  readonly output: unknown;
  readonly metadata: {
    readonly tool_name: string;
    readonly invocation_id: string;
    readonly duration_ms: number;
    readonly attempts: number;
  };
}

/** The error reply. */
export interface InvocationErrorWire {
  readonly status: 'error';
  readonly output: null;
  readonly error_code: InvocationErrorCode;
  readonly message: string;
  readonly invocation_id: string;
  /** INVALID_PARAMETERS and INVALID_PAYLOAD: each failing path with its message. */
  readonly details?: readonly { readonly path: string; readonly message: string }[];
}

/** One problem with a request, at a JSON pointer. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  'tool_name',
  'parameters',
  'conversation_id',
  'user_id',
]);

function isJsonRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

function isOptionalId(value: unknown): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length > 0);
}

/**
 * The envelope as the schema would output it, when the body is a plain JSON object that plainly
 * passes the schema; undefined for anything else, which the schema then checks (and words the
 * errors of). A shortcut for the hot path: zod's parse costs several microseconds per call.
 */
function plainEnvelope(body: object): InvocationRequestWire | undefined {
  if (!isJsonRecord(body)) return undefined;
  for (const key of Object.keys(body)) {
    if (!ENVELOPE_KEYS.has(key) || body[key] === undefined) return undefined;
  }
  const {
    tool_name: toolName,
    parameters,
    conversation_id: conversationId,
    user_id: userId,
  } = body;
  if (typeof toolName !== 'string' || toolName.length === 0) return undefined;
  if (!isOptionalId(conversationId) || !isOptionalId(userId)) return undefined;
  if (!isJsonRecord(parameters) || Object.hasOwn(parameters, '__proto__')) return undefined;
  // A copy of the own enumerable keys, as z.record makes.
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(parameters)) copy[key] = parameters[key];
  return {
    tool_name: toolName,
    parameters: copy,
    ...(conversationId === undefined ? {} : { conversation_id: conversationId }),
    ...(userId === undefined ? {} : { user_id: userId }),
  };
}

/** The most characters a caller-supplied id (envelope or `ININ-*` header) may have. */
export const MAX_ID_LENGTH = 256;

// Control, format (bidi overrides, zero-width), lone surrogate and line/paragraph separator
// characters: they forge or hide text in a log viewer or a SIEM, and no real id has them.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Why an id is refused, or undefined when it is 1..MAX_ID_LENGTH printable characters. Pure. */
export function idProblem(value: string): string | undefined {
  if (value.length > MAX_ID_LENGTH) {
    return `is ${value.length} characters long; the limit is ${MAX_ID_LENGTH}`;
  }
  if (UNPRINTABLE.test(value))
    return 'holds control or invisible characters; ids must be printable';
  return undefined;
}

/**
 * An `ININ-*` header as an id: kept when it is 1..MAX_ID_LENGTH printable characters, else
 * dropped (treated as absent). Headers are not the caller's contract the way the body is, so a
 * bad one does not fail the call; it just never reaches the audit log or the handler. Pure.
 */
export function headerId(value: string | readonly string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return idProblem(value) === undefined ? value : undefined;
}

function checkIds(envelope: InvocationRequestWire): void {
  const issues: Issue[] = [];
  for (const field of ['conversation_id', 'user_id'] as const) {
    const value = envelope[field];
    const problem = value === undefined ? undefined : idProblem(value);
    if (problem !== undefined) issues.push({ path: `/${field}`, message: problem });
  }
  if (issues.length === 0) return;
  // 422: the envelope is well formed, but a value is outside its limit.
  throw refusalError(
    'INVALID_PARAMETERS',
    `the envelope's ids are out of bounds: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
    { details: { issues } },
  );
}

/**
 * Checks the envelope; unknown fields are refused, so a typo in a request template is found at
 * once rather than silently ignored.
 * @throws InvocationError INVALID_PAYLOAD listing each bad field.
 * @throws InvocationError INVALID_PARAMETERS when `conversation_id` or `user_id` is longer than
 *   MAX_ID_LENGTH or not printable.
 */
export function parseEnvelope(body: unknown): InvocationRequestWire {
  const envelope = parseEnvelopeShape(body);
  checkIds(envelope);
  return envelope;
}

function parseEnvelopeShape(body: unknown): InvocationRequestWire {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw refusalError(
      'INVALID_PAYLOAD',
      'the body must be a JSON object {"tool_name": "...", "parameters": {...}}.',
    );
  }
  const plain = plainEnvelope(body);
  if (plain !== undefined) return plain;
  const parsed = InvocationRequestWireSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues: Issue[] = parsed.error.issues.map((i) => ({
    path: pointer(i.path),
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
  throw refusalError(
    'INVALID_PAYLOAD',
    `the envelope is invalid: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}.`,
    { details: { issues } },
  );
}

/** Builds the error reply of an `InvocationError`. */
export function errorReply(error: InvocationError, invocationId: string): InvocationErrorWire {
  const issues = error.details?.issues;
  const base = {
    status: 'error',
    output: null,
    error_code: error.code,
    message: error.message,
    invocation_id: invocationId,
  } as const;
  return Array.isArray(issues) ? { ...base, details: issues.filter(isIssue) } : base;
}

function isIssue(value: unknown): value is Issue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'path' in value &&
    'message' in value &&
    typeof value.path === 'string' &&
    typeof value.message === 'string'
  );
}

/** JSON Schemas of the replies, so Fastify serialises them fast and nothing else leaks out. */
export const REPLY_SCHEMAS = {
  success: {
    type: 'object',
    required: ['status', 'output', 'metadata'],
    properties: {
      status: { type: 'string', const: 'success' },
      output: {},
      metadata: {
        type: 'object',
        required: ['tool_name', 'invocation_id', 'duration_ms', 'attempts'],
        properties: {
          tool_name: { type: 'string' },
          invocation_id: { type: 'string' },
          duration_ms: { type: 'number' },
          attempts: { type: 'integer' },
        },
      },
    },
  },
  error: {
    type: 'object',
    required: ['status', 'output', 'error_code', 'message', 'invocation_id'],
    properties: {
      status: { type: 'string', const: 'error' },
      output: { type: 'null' },
      error_code: { type: 'string' },
      message: { type: 'string' },
      invocation_id: { type: 'string' },
      details: {
        type: 'array',
        items: {
          type: 'object',
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
} as const;
