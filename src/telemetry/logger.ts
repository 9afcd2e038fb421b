/**
 * The process logger: pino JSON with redaction (DESIGN "Telemetry and audit"). Keys that name a
 * secret (authorization, cookie, signatures, client_secret, tokens, passwords, api keys) and the
 * configured PII parameter names are replaced at any depth; the values of known secrets are
 * scrubbed from the final line wherever they appear, message text included.
 */
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import type { Logger } from '../deps.js';
import { REDACTED, isSecretKey, redactString } from '../redact.js';
import { parseOptions } from './options.js';

/** Options of `createLogger`. */
export const LoggerOptionsSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where lines go; stdout by default. */
  destination: z
    .custom<DestinationStream>(
      (v) => typeof v === 'object' && v !== null && 'write' in v && typeof v.write === 'function',
      'expected a stream with write()',
    )
    .optional(),
  /** Parameter names whose values are PII: redacted wherever they occur as keys. */
  redactParameters: z.array(z.string().min(1)).readonly().default([]),
  /** Secret values (client secret, bearer tokens, signing secrets) scrubbed from every line. */
  secrets: z.array(z.string()).readonly().default([]),
});

/** Options of `createLogger` as callers write them. */
export type LoggerOptions = z.input<typeof LoggerOptionsSchema>;

const MAX_DEPTH = 8;

/** A copy of `value` with secret and PII keys redacted at any depth; errors become plain objects. Pure. */
export function redactFields(value: unknown, piiKeys: ReadonlySet<string>): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    if (depth > MAX_DEPTH) return '[Truncated]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const source: Record<string, unknown> =
      v instanceof Error ? errorFields(v) : (v as Record<string, unknown>);
    // A null prototype lets pino's err serializer take the type from `name`, not "Object".
    const out: Record<string, unknown> =
      v instanceof Error ? (Object.create(null) as Record<string, unknown>) : {};
    for (const [k, inner] of Object.entries(source)) {
      out[k] = isSecretKey(k) || piiKeys.has(k.toLowerCase()) ? REDACTED : walk(inner, depth + 1);
    }
    return out;
  };
  return walk(value, 0);
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) fields.stack = error.stack;
  for (const key of ['code', 'details', 'status', 'cause'] as const) {
    if (key in error) fields[key] = (error as Error & Record<typeof key, unknown>)[key];
  }
  return fields;
}

const MAX_PLAIN_KEYS = 1024;

/** True when no value of `obj` is an object and every key is plain. */
function flatOfPlainKeys(
  obj: Record<string, unknown>,
  plainKey: (key: string) => boolean,
): boolean {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (typeof value === 'object' && value !== null) return false;
    if (!plainKey(key)) return false;
  }
  return true;
}

/** The secret and its JSON-escaped form, both as they may appear in a serialised line. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms];
}

/**
 * A pino logger satisfying `Logger` of deps.ts, redacting as described above.
 * @throws ConfigError CONFIG_INVALID on bad options.
 */
export function createLogger(options: LoggerOptions): Logger & pino.Logger {
  const o = parseOptions(LoggerOptionsSchema, options, 'createLogger');
  const pii = new Set(o.redactParameters.map((k) => k.toLowerCase()));
  const forms = secretForms(o.secrets);
  // Keys seen to be neither secret nor PII (bounded: keys are our code's names).
  const plainKeys = new Set<string>();
  const plainKey = (key: string): boolean => {
    if (plainKeys.has(key)) return true;
    if (isSecretKey(key) || pii.has(key.toLowerCase())) return false;
    if (plainKeys.size < MAX_PLAIN_KEYS) plainKeys.add(key);
    return true;
  };
  const clean = (obj: Record<string, unknown>): Record<string, unknown> => {
    // Most lines (a call's `invocation` line) are flat and of plain keys: nothing to redact, and
    // copying them was 2 % of a call (bench/profile-calls.ts). Secret values are scrubbed from the
    // final line either way (streamWrite).
    if (flatOfPlainKeys(obj, plainKey)) return obj;
    const out = redactFields(obj, pii);
    return typeof out === 'object' && out !== null ? (out as Record<string, unknown>) : {};
  };
  return pino(
    {
      level: o.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: clean,
        bindings: clean,
      },
      hooks: forms.length === 0 ? {} : { streamWrite: (line) => redactString(line, forms) },
    },
    o.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
