/**
 * Options of `createToolServer()`, parsed once at start (STYLE §5): unknown keys are errors and
 * every default lives here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ToolDefinition } from '../definition/index.js';
import { ConfigError } from '../errors.js';
import type { AuditSink, InvocationObserver } from './observer.js';
import type { SharedState } from './shared-state.js';
import type { MountContext } from './tool-call-types.js';

/**
 * Mounts another face of the call pipeline on the server's Fastify app (MCP, issue 17): it gets
 * the served tools' pipeline and the caller authentication.
 */
export type ServerMount = (app: FastifyInstance, context: MountContext) => void | Promise<void>;

/** A tool's registration in the org, as the remote-status provider reports it. */
export interface RemoteToolStatus {
  readonly version: string | number;
  readonly status: string;
}

/**
 * Gives the registry endpoint each tool's registration (data action version, published or not).
 * The CLI wires one built with `createCachedStatusProvider`; the server never imports the client.
 */
export type RemoteStatusProvider = () => Promise<RemoteStatus>;

/** What a remote-status provider answers: the registrations, whether they are stale, their age. */
export interface RemoteStatus {
  readonly tools: Readonly<Record<string, RemoteToolStatus>>;
  readonly stale: boolean;
  /** Milliseconds since the org was last read; absent when it never was. */
  readonly ageMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const toolSchema = z.custom<ToolDefinition>(
  (v) => isObject(v) && typeof v.name === 'string' && typeof v.inputSchema === 'object',
  { message: 'expected a ToolDefinition (made with defineTool or loadTools)' },
);

const observerSchema = z.custom<InvocationObserver>(
  (v) => isObject(v) && typeof v.start === 'function' && typeof v.circuitChanged === 'function',
  { message: 'expected an InvocationObserver { start, circuitChanged }' },
);

const auditSchema = z.custom<AuditSink>((v) => isObject(v) && typeof v.append === 'function', {
  message: 'expected an AuditSink { append }',
});

const sharedStateSchema = z.custom<SharedState>(
  (v) => isObject(v) && typeof v.limiter === 'function' && typeof v.rememberOnce === 'function',
  { message: 'expected a SharedState (made with createRedisSharedState)' },
);

const remoteStatusSchema = z.custom<RemoteStatusProvider>((v) => typeof v === 'function', {
  message: 'expected a function returning { tools, stale }',
});

/** Shortest bearer token (or API key) accepted: a short one can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * What is wrong with a bearer token, or undefined: white space (it can never match, since
 * `Authorization` is split on it) or fewer than MIN_TOKEN_LENGTH characters. Never names the value.
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (/\s/.test(token)) return 'contains white space, so no caller can ever send it; remove it';
  if (token.length < MIN_TOKEN_LENGTH) {
    return `is shorter than ${MIN_TOKEN_LENGTH} characters; use a random token of 32 or more (openssl rand -hex 32)`;
  }
  return undefined;
}

const bearerToken = z.string().superRefine((token, ctx) => {
  const problem = bearerTokenProblem(token);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the token ${problem}` });
});

/** Caller authentication (DESIGN "Caller authentication"); several secrets may be active at once. */
export const AuthOptionsSchema = z
  .strictObject({
    /** Accepted `Authorization: Bearer` tokens (and API-key header values). */
    bearerTokens: z.array(bearerToken).default([]),
    /** Accepted `user:password` pairs for `Authorization: Basic`. */
    basicAuth: z.array(z.string().regex(/^[^:]+:.+$/, 'expected "user:password"')).default([]),
    /** Standard Webhooks secrets, `whsec_` followed by base64. */
    signingSecrets: z
      .array(z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected "whsec_<base64>"'))
      .default([]),
    /** A header carrying a bearer token as its whole value (User Defined credential), e.g. `x-api-key`. */
    apiKeyHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name')
      .transform((h) => h.toLowerCase())
      .optional(),
    /** Accept calls without credentials. Only by explicit choice; the CLI warns at start. */
    insecureNoAuth: z.boolean().default(false),
  })
  .refine(
    (a) =>
      a.insecureNoAuth || a.bearerTokens.length + a.basicAuth.length + a.signingSecrets.length > 0,
    {
      message:
        'no caller authentication configured: set bearerTokens, basicAuth or signingSecrets, or insecureNoAuth: true',
    },
  )
  .refine(
    (a) =>
      !a.insecureNoAuth ||
      a.bearerTokens.length + a.basicAuth.length + a.signingSecrets.length === 0,
    {
      message:
        'insecureNoAuth would switch off the configured bearerTokens, basicAuth or signingSecrets; drop insecureNoAuth or the secrets',
    },
  );

/** Everything `createToolServer` accepts. */
export const ToolServerOptionsSchema = z.strictObject({
  tools: z.array(toolSchema),
  auth: AuthOptionsSchema,
  /** Genesys' own request limit is 512,000 bytes; larger bodies get PAYLOAD_TOO_LARGE. */
  bodyLimitBytes: z.number().int().min(1024).max(50_000_000).default(512_000),
  observer: observerSchema.optional(),
  audit: auditSchema.optional(),
  remoteStatus: remoteStatusSchema.optional(),
  /** Rate limits and the replay cache shared by the replicas (Redis); unset: in process. */
  sharedState: sharedStateSchema.optional(),
  /** How long `close()` waits for in-flight calls before aborting them and dropping connections. */
  drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  /** Standard Webhooks: accepted distance between `webhook-timestamp` and now (5 minutes). */
  signatureToleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /** Most webhook ids remembered for replay refusal; the oldest is forgotten first. */
  replayCacheSize: z.number().int().min(1).max(10_000_000).default(100_000),
  /**
   * Time to receive a whole request, headers and body (Node's `requestTimeout`); a caller that
   * dribbles its request is cut off after it (issue 14 §4). Handlers' time is not counted.
   */
  requestTimeoutMs: z.number().int().min(10).max(600_000).default(30_000),
  /**
   * Time a connection may stay silent while no call runs on it (between requests, or while its
   * headers arrive); a call in flight keeps its connection whatever its tool's timeout. Behind a
   * load balancer, set it above the balancer's idle timeout.
   */
  connectionTimeoutMs: z.number().int().min(10).max(600_000).default(10_000),
  /** Most open connections; more are dropped at once, so slow clients cannot take every descriptor. */
  maxConnections: z.number().int().min(1).max(1_000_000).default(1024),
  /** Other faces of the pipeline, mounted on the same app (`serve --mcp` mounts the MCP endpoint). */
  mounts: z
    .array(
      z.custom<ServerMount>((v) => typeof v === 'function', {
        message: 'expected a function (app, context) => void',
      }),
    )
    .default([]),
});

/** Options as callers write them. */
export type ToolServerOptions = z.input<typeof ToolServerOptionsSchema>;
/** Options after parsing and defaults. */
export type ResolvedServerOptions = Readonly<z.output<typeof ToolServerOptionsSchema>>;
/** Authentication options after parsing. */
export type ResolvedAuthOptions = Readonly<z.output<typeof AuthOptionsSchema>>;

/**
 * Parses the server options.
 * @throws ConfigError CONFIG_INVALID naming each bad option (never a secret's value).
 */
export function parseServerOptions(input: unknown): ResolvedServerOptions {
  const parsed = ToolServerOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length > 0 ? i.path.join('.') : '(options)'}: ${i.message}`,
    );
    throw new ConfigError('CONFIG_INVALID', `createToolServer: ${problems.join('; ')}`, {
      details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  const names = new Set<string>();
  for (const tool of parsed.data.tools) {
    if (names.has(tool.name)) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `createToolServer: tool "${tool.name}" is given twice; tool names must be unique.`,
      );
    }
    names.add(tool.name);
  }
  return Object.freeze(parsed.data);
}
