/**
 * Redaction of secrets from anything that may reach a log line, an error's details or the audit
 * log (STYLE §4). A leaf: imports nothing of ours.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are always secret, compared case-insensitively with `-` and `_` ignored. */
const SECRET_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'client_secret',
    'clientsecret',
    'secret',
    'password',
    'token',
    'access_token',
    'accesstoken',
    'refresh_token',
    'bearer',
    'apikey',
    'api_key',
    'x-api-key',
    'signing_secret',
    'signingsecret',
    'webhook-signature',
    'signature',
  ].map(normaliseKey),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** True when a key (header, field) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normaliseKey(key));
}

/**
 * A deep copy of `value` with secret keys replaced by "[REDACTED]", and any of the given secret
 * strings replaced wherever they occur inside other strings.
 */
export function redact(value: unknown, secrets: readonly string[] = []): unknown {
  const live = secrets.filter((s) => s.length >= 4);
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v, live);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) {
      out[k] = isSecretKey(k) ? REDACTED : walk(inner);
    }
    return out;
  };
  return walk(value);
}

/** Replaces each secret occurring in `text` by "[REDACTED]". */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * The strings a Basic-auth `user:password` pair must be scrubbed as: the pair, the password alone
 * (a log or an error may echo it without the user, issue 14 §12) and the pair in base64, as it
 * travels in an `Authorization: Basic` header.
 */
export function basicAuthSecrets(pair: string): string[] {
  const colon = pair.indexOf(':');
  const password = colon < 0 ? '' : pair.slice(colon + 1);
  return [
    pair,
    ...(password === '' ? [] : [password]),
    Buffer.from(pair, 'utf8').toString('base64'),
  ];
}
