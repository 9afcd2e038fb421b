/**
 * Environment configuration, validated once at the boundary (STYLE §5). The only module that reads
 * `process.env` is the CLI, which passes it here; names are DESIGN's "Configuration" table.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/ }).optional());

/** Environment variables and their shapes. Unknown variables are ignored (it is the environment). */
export const EnvSchema = z.object({
  GENESYS_CLOUD_REGION: optionalString,
  GENESYS_CLOUD_CLIENT_ID: optionalString,
  GENESYS_CLOUD_CLIENT_SECRET: optionalString,
  GENESYS_CLOUD_API_URL: optionalUrl,
  GENESYS_CLOUD_LOGIN_URL: optionalUrl,
  GENESYS_TOOLS_TARGET: z.enum(['data-actions', 'gateway']).default('data-actions'),
  GENESYS_TOOLS_EXECUTION_URL: optionalUrl,
  GENESYS_TOOLS_BEARER_TOKEN: list,
  GENESYS_TOOLS_BASIC_AUTH: list.pipe(
    z.array(z.string().regex(/^[^:]+:.+$/, 'expected user:password')),
  ),
  GENESYS_TOOLS_SIGNING_SECRET: list,
  GENESYS_TOOLS_AUDIT_FILE: z.string().min(1).default('./audit/audit.jsonl'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Settings from the environment, parsed and defaulted. */
export interface EnvConfig {
  readonly region: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly apiUrl: string | undefined;
  readonly loginUrl: string | undefined;
  readonly target: 'data-actions' | 'gateway';
  readonly executionUrl: string | undefined;
  /** Accepted bearer tokens; the first is the one the data action credential sends. */
  readonly bearerTokens: readonly string[];
  /** Accepted `user:password` pairs. */
  readonly basicAuth: readonly string[];
  readonly signingSecrets: readonly string[];
  readonly auditFile: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Parses the environment into `EnvConfig`.
 * @throws ConfigError CONFIG_INVALID naming each bad variable and what it accepts (never its value).
 */
export function loadEnvConfig(env: Readonly<Record<string, string | undefined>>): EnvConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError('CONFIG_INVALID', `invalid environment: ${problems.join('; ')}`, {
      details: { variables: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  const e = parsed.data;
  return Object.freeze({
    region: e.GENESYS_CLOUD_REGION,
    clientId: e.GENESYS_CLOUD_CLIENT_ID,
    clientSecret: e.GENESYS_CLOUD_CLIENT_SECRET,
    apiUrl: e.GENESYS_CLOUD_API_URL,
    loginUrl: e.GENESYS_CLOUD_LOGIN_URL,
    target: e.GENESYS_TOOLS_TARGET,
    executionUrl: e.GENESYS_TOOLS_EXECUTION_URL,
    bearerTokens: Object.freeze(e.GENESYS_TOOLS_BEARER_TOKEN),
    basicAuth: Object.freeze(e.GENESYS_TOOLS_BASIC_AUTH),
    signingSecrets: Object.freeze(e.GENESYS_TOOLS_SIGNING_SECRET),
    auditFile: e.GENESYS_TOOLS_AUDIT_FILE,
    logLevel: e.LOG_LEVEL,
  });
}
