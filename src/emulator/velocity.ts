/**
 * Velocity rendering as Genesys data actions do it (reference §8.1–8.2): inputs as plain text,
 * `${input.rawRequest}` as the inputs' JSON, `$esc`, `$encoding`, `$credentials`, and for the
 * success template the translation values as JSON text plus `$successTemplateUtils`.
 */
import { render } from 'velocityjs';

type Scalar = string | number | boolean;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/** `$esc` (reference §8.1): escapes for JSON strings and URLs, and `$esc.quote`. */
export const esc = {
  /** Escapes a value for use inside a JSON string; adds no quotes. */
  jsonString: (value: unknown): string => JSON.stringify(text(value)).slice(1, -1),
  jsonEncode: (value: unknown): string => JSON.stringify(text(value)).slice(1, -1),
  jsonDecode: (value: unknown): string => {
    try {
      return text(JSON.parse(`"${text(value)}"`));
    } catch {
      return text(value);
    }
  },
  url: (value: unknown): string => encodeURIComponent(text(value)),
  uriEncode: (value: unknown): string => encodeURIComponent(text(value)),
  quote: '"',
} as const;

/** `$encoding` (reference §8.1). */
export const encoding = {
  base64: (value: unknown): string => Buffer.from(text(value), 'utf8').toString('base64'),
} as const;

/** `$successTemplateUtils` (reference §8.2). */
export const successTemplateUtils = {
  /** First element of a JSON array text as JSON text, or `fallback` when the array is empty. */
  firstFromArray: (arrayJson: unknown, fallback?: unknown): string => {
    try {
      const parsed: unknown = JSON.parse(text(arrayJson));
      if (Array.isArray(parsed) && parsed.length > 0) return JSON.stringify(parsed[0]);
    } catch {
      return fallback === undefined ? '' : text(fallback);
    }
    return fallback === undefined ? '' : text(fallback);
  },
} as const;

/** Inputs after null values are dropped (reference §7.1: since 2024-03-15). */
export type Inputs = Readonly<Record<string, Scalar>>;

/**
 * Renders a request template (URL, header value or body) against the inputs and credential
 * fields.
 * @throws Error when the template cannot be parsed.
 */
export function renderRequestTemplate(
  template: string,
  inputs: Inputs,
  credentials: Readonly<Record<string, string>>,
): string {
  return render(template, {
    input: { ...inputs, rawRequest: JSON.stringify(inputs) },
    credentials: { ...credentials },
    esc,
    encoding,
  });
}

/**
 * Renders the success template with translation values (each already JSON text) and the raw
 * response text as `${rawResult}`.
 * @throws Error when the template cannot be parsed.
 */
export function renderSuccessTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
  rawResult: string,
): string {
  return render(template, { ...values, rawResult, successTemplateUtils, esc });
}
