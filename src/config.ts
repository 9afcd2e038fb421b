/**
 * Environment configuration, validated once at the boundary (STYLE §5), and the config file's
 * public names (config-file.ts). The only module that reads `process.env` is the CLI, which
 * passes it here; names are DESIGN's "Configuration" table.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { isLoopbackHost } from './loopback.js';

export type { AgentConfig, GuideConfig } from './config-bindings.js';
export { CONFIG_FILE_NAMES, FileConfigSchema, loadConfigFile } from './config-file.js';
export type { FileConfig } from './config-file.js';

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

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** What an instance id may be: it is put in file names (DESIGN "Configuration"). */
const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** Where `GENESYS_TOOLS_AUDIT_FILE` (or `--audit-file`) puts the instance id. */
export const INSTANCE_PLACEHOLDER = '{instance}';

/**
 * The instance id a host name gives (issue 16, item 3): characters a file name cannot safely hold
 * become `-`, cut to 64. Pure.
 */
export function instanceIdFromHost(host: string): string {
  const id = host
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 64);
  return id === '' ? 'instance' : id;
}

/** The audit file of `instanceId`: `{instance}` in the path replaced by the id. Pure. */
export function auditFileOf(path: string, instanceId: string): string {
  return path.replaceAll(INSTANCE_PLACEHOLDER, instanceId);
}

/** The variables holding URLs that carry credentials, checked for plain HTTP (issue 14 §12). */
const CREDENTIAL_URL_VARIABLES = [
  'GENESYS_TOOLS_EXECUTION_URL',
  'GENESYS_CLOUD_LOGIN_URL',
  'GENESYS_CLOUD_API_URL',
] as const;

/**
 * True for an `http://` URL whose host is not loopback: Genesys would send the data action's
 * bearer token, or we our client secret and tokens, in clear text. Pure.
 */
export function isInsecureRemoteUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') return false;
  return !isLoopbackHost(parsed.hostname);
}

/**
 * Refuses plain-HTTP credential URLs to hosts other than loopback unless the setting
 * `GENESYS_TOOLS_ALLOW_INSECURE_HTTP` allows them. Keys name where each URL came from
 * (`GENESYS_TOOLS_EXECUTION_URL`, `--execution-url`, the config file's `executionUrl`).
 * @throws ConfigError CONFIG_INVALID naming the settings and the override, never the URLs.
 */
export function requireSecureUrls(
  urls: Readonly<Record<string, string | undefined>>,
  allowInsecureHttp: boolean,
): void {
  if (allowInsecureHttp) return;
  const insecure = Object.entries(urls)
    .filter(([, url]) => url !== undefined && isInsecureRemoteUrl(url))
    .map(([name]) => name);
  if (insecure.length === 0) return;
  throw new ConfigError(
    'CONFIG_INVALID',
    `${insecure.join(', ')}: http:// to a host other than loopback sends credentials in clear text; use https://, or set GENESYS_TOOLS_ALLOW_INSECURE_HTTP=true (serve --allow-insecure-http) if a TLS proxy sits in between`,
    { details: { variables: insecure } },
  );
}

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
  GENESYS_TOOLS_AUDIT_FILE: z.string().min(1).optional(),
  /** Redis shared by the server's replicas (rate limits, replay cache); unset: in process. */
  GENESYS_TOOLS_REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL')
      .optional(),
  ),
  GENESYS_TOOLS_INSTANCE_ID: optionalString.pipe(
    z
      .string()
      .regex(
        INSTANCE_ID_PATTERN,
        'expected 1-64 letters, digits, ".", "_" or "-", not first "." or "-"',
      )
      .optional(),
  ),
  GENESYS_TOOLS_AUDIT_DURABILITY: z.enum(['fsync', 'write']).default('fsync'),
  GENESYS_TOOLS_AUDIT_HMAC_KEY: optionalString.pipe(
    z.string().min(32, 'expected at least 32 characters').optional(),
  ),
  /** Accept http:// credential URLs on hosts other than loopback (serve --allow-insecure-http). */
  GENESYS_TOOLS_ALLOW_INSECURE_HTTP: booleanFlag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // OpenTelemetry's standard variables (only the ones we act on).
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: optionalString,
  /** OTLP/HTTP URL of logs (used as is, as the OTel spec says): audit records are exported there. */
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: optionalUrl,
  /** The client's own limit (reference §3: 300 per token per minute, the platform default). */
  GENESYS_CLOUD_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
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
  /**
   * The server's audit log (default `./audit/audit.{instance}.jsonl`), `{instance}` already
   * replaced by `instanceId`, so that replicas on one volume each write their own file.
   */
  readonly auditFile: string;
  /** Redis shared by the replicas (a secret when it carries a password). */
  readonly redisUrl: string | undefined;
  /** This replica's id, in its audit file's name and records: the variable, else the host name. */
  readonly instanceId: string;
  /** `fsync` (the default): a 2xx leaves once its audit record is fsync'ed; `write`: once written. */
  readonly auditDurability: 'fsync' | 'write';
  /** OTLP/HTTP URL audit records are also exported to as log records; none when unset. */
  readonly otlpLogsEndpoint: string | undefined;
  /**
   * The audit log of `apply` and `destroy`: GENESYS_TOOLS_AUDIT_FILE when set, else
   * `./audit/changes.jsonl`, so that the CLI and a running server never share a chain by default.
   */
  readonly changeAuditFile: string;
  /** Key of the audit's parameter HMAC (a secret); unset: generated beside the audit file. */
  readonly auditHmacKey: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** OTLP/HTTP base URL for traces; none exported when unset. */
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string | undefined;
  /** Requests per minute the client allows itself (an org with a raised limit, the emulator). */
  readonly requestsPerMinute: number;
  /** http:// credential URLs on hosts other than loopback were accepted on purpose. */
  readonly allowInsecureHttp: boolean;
}

/** The server's audit file when GENESYS_TOOLS_AUDIT_FILE is unset: one file per replica. */
const DEFAULT_AUDIT_FILE = `./audit/audit.${INSTANCE_PLACEHOLDER}.jsonl`;

/** Secret variables that may instead name a file holding the value (`NAME_FILE`, as Docker secrets). */
export const SECRET_FILE_VARIABLES = [
  'GENESYS_CLOUD_CLIENT_SECRET',
  'GENESYS_TOOLS_BEARER_TOKEN',
  'GENESYS_TOOLS_BASIC_AUTH',
  'GENESYS_TOOLS_SIGNING_SECRET',
  'GENESYS_TOOLS_AUDIT_HMAC_KEY',
] as const;

/**
 * Replaces each `NAME_FILE` by `NAME` holding the file's content: lines (or commas) separate the
 * values of a list, surrounding white space is dropped. Errors name the variable and the path,
 * never the content.
 */
function withSecretFiles(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): Readonly<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_FILE_VARIABLES) {
    const path = env[`${name}_FILE`]?.trim();
    if (path === undefined || path === '') continue;
    if ((env[name]?.trim() ?? '') !== '') {
      throw new ConfigError('CONFIG_INVALID', `set ${name} or ${name}_FILE, not both`, {
        details: { variables: [name, `${name}_FILE`] },
      });
    }
    let content: string;
    try {
      content = readFile(path);
    } catch (cause) {
      const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : 'unreadable';
      throw new ConfigError(
        'CONFIG_INVALID',
        `${name}_FILE: cannot read ${path} (${reason}); check the path and its permissions`,
        { details: { variables: [`${name}_FILE`] } },
      );
    }
    out[name] = content
      .split(/[\r\n,]+/)
      .map((v) => v.trim())
      .filter((v) => v.length > 0)
      .join(',');
  }
  return out;
}

/**
 * Parses the environment into `EnvConfig`. Secret variables may be given as `NAME_FILE` instead
 * (see SECRET_FILE_VARIABLES).
 * @throws ConfigError CONFIG_INVALID naming each bad variable and what it accepts (never its value).
 */
export function loadEnvConfig(
  rawEnv: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): EnvConfig {
  const env = withSecretFiles(rawEnv, readFile);
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // A list variable's entry is named by position (`(entry 2)`), never by its value.
    const where = (path: readonly PropertyKey[]): string =>
      `${String(path[0])}${typeof path[1] === 'number' ? ` (entry ${path[1] + 1})` : ''}`;
    const problems = parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`);
    throw new ConfigError('CONFIG_INVALID', `invalid environment: ${problems.join('; ')}`, {
      details: { variables: parsed.error.issues.map((i) => String(i.path[0])) },
    });
  }
  const e = parsed.data;
  requireSecureUrls(
    Object.fromEntries(CREDENTIAL_URL_VARIABLES.map((name) => [name, e[name]])),
    e.GENESYS_TOOLS_ALLOW_INSECURE_HTTP,
  );
  const instanceId = e.GENESYS_TOOLS_INSTANCE_ID ?? instanceIdFromHost(hostname());
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
    auditFile: auditFileOf(e.GENESYS_TOOLS_AUDIT_FILE ?? DEFAULT_AUDIT_FILE, instanceId),
    changeAuditFile: auditFileOf(e.GENESYS_TOOLS_AUDIT_FILE ?? './audit/changes.jsonl', instanceId),
    redisUrl: e.GENESYS_TOOLS_REDIS_URL,
    instanceId,
    auditDurability: e.GENESYS_TOOLS_AUDIT_DURABILITY,
    otlpLogsEndpoint: e.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
    auditHmacKey: e.GENESYS_TOOLS_AUDIT_HMAC_KEY,
    logLevel: e.LOG_LEVEL,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
    requestsPerMinute: e.GENESYS_CLOUD_REQUESTS_PER_MINUTE,
    allowInsecureHttp: e.GENESYS_TOOLS_ALLOW_INSECURE_HTTP,
  });
}

/** Names the config file may have, in the order they are looked for (DESIGN "Configuration"). */
