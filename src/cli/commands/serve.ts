/**
 * `genesys-tools serve [--tools DIR] [--host] [--port] [--metrics-port] [--audit-file]
 * [--audit-max-files N] [--audit-max-bytes BYTES] [--audit-durability fsync|write]
 * [--audit-fsync-interval MS] [--insecure-no-auth] [--redis-url URL] [--replicas N] [--mcp]`:
 * loads the tools, serves `POST /api/v1/tools/{name}` for each tool with a handler, prints each
 * endpoint's URL, and runs until SIGTERM/SIGINT (`ctx.stopSignal`), then drains and exits 0.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { EnvConfig } from '../../config.js';
import { loadConfigFile, loadEnvConfig } from '../../config.js';
import type { ToolDefinition } from '../../definition/index.js';
import { ConfigError } from '../../errors.js';
import type { Registry } from '../../registry/index.js';
import { MCP_PATH, mcpEndpoint } from '../../mcp/index.js';
import { bearerTokenProblem, createToolServer } from '../../server/index.js';
import type { CliContext } from '../context.js';
import { untilStopped } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { wireServer } from '../wiring.js';
import { openSharedState } from '../shared-state.js';
import { mcpServerInfo } from './mcp.js';
import { openSession } from './sync-common.js';
import { toolsWithHandlers } from './served-tools.js';

const ServeFlagsSchema = z.strictObject({
  // No default here: absent means the config file's `tools`, else ./tools (as validate, plan).
  tools: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  insecureNoAuth: z.boolean().default(false),
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9464),
  auditFile: z.string().min(1).optional(),
  auditMaxFiles: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || n >= 2, 'expected 0 (no limit) or at least 2')
    .optional(),
  auditMaxBytes: z.coerce.number().int().min(0).optional(),
  // Issue 18: the flag wins over GENESYS_TOOLS_AUDIT_DURABILITY.
  auditDurability: z.enum(['fsync', 'write']).optional(),
  auditFsyncInterval: z.coerce.number().int().min(1).max(60_000).optional(),
  // Hardening (issue 14 §4, §12): connection limits and plain-HTTP URLs.
  requestTimeoutMs: z.coerce.number().int().min(10).max(600_000).default(30_000),
  connectionTimeoutMs: z.coerce.number().int().min(10).max(600_000).default(10_000),
  maxConnections: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  allowInsecureHttp: z.boolean().default(false),
  // Several replicas (issue 16 §1): the shared store, and how many replicas share each limit.
  redisUrl: z.string().min(1).optional(),
  replicas: z.coerce.number().int().min(1).max(10_000).default(1),
  mcp: z.boolean().default(false),
});

/** The flags of `serve` after parsing. */
export type ServeFlags = z.output<typeof ServeFlagsSchema>;

/**
 * The org's registry for the registry endpoint's version and status, when the environment names an
 * org (client credentials and an execution URL); the server runs without it otherwise.
 */
async function statusSession(ctx: CliContext, env: EnvConfig): Promise<Registry | undefined> {
  if (env.clientId === undefined || env.clientSecret === undefined) return undefined;
  if (env.region === undefined && env.apiUrl === undefined) return undefined;
  if (env.executionUrl === undefined) return undefined;
  return (await openSession(ctx, {})).registry;
}

function parseFlags(raw: Record<string, unknown>): ServeFlags {
  const parsed = ServeFlagsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
  throw new ConfigError('CONFIG_USAGE', `serve: ${problems.join('; ')}`);
}

/** Refuses bearer tokens that can never match or are easy to guess, naming the entry only. */
function checkTokens(env: EnvConfig): void {
  const problems = env.bearerTokens.flatMap((token, i) => {
    const problem = bearerTokenProblem(token);
    return problem === undefined ? [] : [`GENESYS_TOOLS_BEARER_TOKEN (entry ${i + 1}) ${problem}`];
  });
  if (problems.length > 0) {
    throw new ConfigError('CONFIG_INVALID', `serve: ${problems.join('; ')}.`, {
      details: { variables: ['GENESYS_TOOLS_BEARER_TOKEN'] },
    });
  }
}

function requireAuth(env: EnvConfig, flags: ServeFlags, ctx: CliContext): void {
  const configured = env.bearerTokens.length + env.basicAuth.length + env.signingSecrets.length;
  if (configured > 0 && flags.insecureNoAuth) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'serve: --insecure-no-auth would switch off the configured caller authentication (GENESYS_TOOLS_BEARER_TOKEN, GENESYS_TOOLS_BASIC_AUTH or GENESYS_TOOLS_SIGNING_SECRET); drop the flag, or unset the secrets for local testing.',
    );
  }
  checkTokens(env);
  if (configured > 0) return;
  if (!flags.insecureNoAuth) {
    throw new ConfigError(
      'CONFIG_MISSING',
      'serve: no caller authentication is configured; set GENESYS_TOOLS_BEARER_TOKEN, GENESYS_TOOLS_BASIC_AUTH or GENESYS_TOOLS_SIGNING_SECRET, or pass --insecure-no-auth for local testing only.',
    );
  }
  ctx.stderr(
    'warning: --insecure-no-auth: anyone who can reach this port can call every tool. Use it only on a trusted machine.\n',
  );
}

async function servableTools(
  flags: ServeFlags,
  ctx: CliContext,
): Promise<readonly ToolDefinition[]> {
  const file = flags.tools === undefined ? await loadConfigFile(ctx.cwd, flags.config) : undefined;
  const paths = flags.tools === undefined ? (file?.tools ?? ['./tools']) : [flags.tools];
  return toolsWithHandlers(ctx, paths, 'serve');
}

/** Runs `listen`; a taken port becomes CONFIG_PORT_IN_USE naming the address and its flag. */
async function onPortInUse<T>(where: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new ConfigError('CONFIG_PORT_IN_USE', `serve: ${where} is in use by another process.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Runs the server until `ctx.stopSignal`; resolves once it has drained and closed. */
export async function runServe(ctx: CliContext, raw: Record<string, unknown>): Promise<void> {
  const flags = parseFlags(raw);
  const env = loadEnvConfig({
    ...ctx.env,
    ...(flags.allowInsecureHttp ? { GENESYS_TOOLS_ALLOW_INSECURE_HTTP: 'true' } : {}),
    ...(flags.redisUrl === undefined ? {} : { GENESYS_TOOLS_REDIS_URL: flags.redisUrl }),
  });
  requireAuth(env, flags, ctx);
  const tools = await servableTools(flags, ctx);
  const session = await statusSession(ctx, env);
  const wiring = await onPortInUse(
    `${flags.host}:${String(flags.metricsPort)} (--metrics-port)`,
    () =>
      wireServer(ctx, env, {
        tools,
        metricsPort: flags.metricsPort,
        // Metrics listen on the same interface as the server (a container's 0.0.0.0 included).
        metricsHost: flags.host,
        ...(flags.auditFile === undefined ? {} : { auditFile: flags.auditFile }),
        ...(flags.auditMaxFiles === undefined ? {} : { auditMaxFiles: flags.auditMaxFiles }),
        ...(flags.auditMaxBytes === undefined ? {} : { auditMaxBytes: flags.auditMaxBytes }),
        ...(flags.auditDurability === undefined ? {} : { auditDurability: flags.auditDurability }),
        ...(flags.auditFsyncInterval === undefined
          ? {}
          : { auditFsyncIntervalMs: flags.auditFsyncInterval }),
        ...(session === undefined ? {} : { registry: () => session }),
      }),
  );
  const sharedState = await openSharedState(env.redisUrl, flags.replicas, wiring);
  // A failed start closes what was opened (the metrics port, the audit file, Redis) and ends.
  const closeOpened = async (error: unknown): Promise<never> => {
    await sharedState?.close();
    await wiring.close();
    throw error;
  };
  const app = await createToolServer(
    {
      tools: [...tools],
      auth: {
        bearerTokens: [...env.bearerTokens],
        basicAuth: [...env.basicAuth],
        signingSecrets: [...env.signingSecrets],
        insecureNoAuth: flags.insecureNoAuth,
      },
      observer: wiring.telemetry.observer,
      audit: wiring.auditLog,
      requestTimeoutMs: flags.requestTimeoutMs,
      connectionTimeoutMs: flags.connectionTimeoutMs,
      maxConnections: flags.maxConnections,
      mounts: flags.mcp ? [mcpEndpoint(mcpServerInfo())] : [],
      ...(wiring.remoteStatus === undefined ? {} : { remoteStatus: wiring.remoteStatus }),
      ...(sharedState === undefined ? {} : { sharedState }),
    },
    { logger: wiring.logger },
  ).catch(closeOpened);
  let address: string;
  try {
    address = await onPortInUse(`${flags.host}:${String(flags.port)} (--port)`, () =>
      app.listen({ host: flags.host, port: flags.port }),
    );
  } catch (error) {
    await app.close();
    return closeOpened(error);
  }
  ctx.stdout(`serving ${tools.length} tool(s) at ${address}\n`);
  for (const t of tools) ctx.stdout(`  POST ${address}/api/v1/tools/${t.name}\n`);
  ctx.stdout(`  registry ${address}/api/v1/tools/registry, health ${address}/healthz\n`);
  if (flags.mcp) ctx.stdout(`  MCP ${address}${MCP_PATH} (Streamable HTTP, stateless)\n`);
  ctx.stdout(
    `  metrics ${wiring.telemetry.metricsUrl ?? '(off)'}, audit log ${wiring.auditFile}\n`,
  );

  await untilStopped(ctx);
  ctx.stdout('stopping: draining calls in flight\n');
  await app.close();
  await sharedState?.close();
  await wiring.close();
  ctx.stdout('stopped\n');
  ctx.exitCode = EXIT.ok;
}

/** Registers `serve`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve the tools at POST /api/v1/tools/{name} for Genesys data actions')
    .option(
      '--tools <dir>',
      'tool files or directory (default: the config file\'s "tools", else ./tools)',
    )
    .option('--config <file>', 'config file (default: genesys-tools.config.* in the directory)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--metrics-port <port>', 'Prometheus metrics port (0 picks a free one)', '9464')
    .option(
      '--audit-file <file>',
      'audit log path; {instance} in it becomes the instance id (default GENESYS_TOOLS_AUDIT_FILE, else ./audit/audit.{instance}.jsonl)',
    )
    .option(
      '--audit-max-files <n>',
      'audit retention: most files kept, the current one included; 0 for no limit (default 20)',
    )
    .option(
      '--audit-max-bytes <bytes>',
      'audit retention: most bytes kept over all audit files; 0 for no limit (default 1 GiB)',
    )
    .option(
      '--audit-durability <mode>',
      "fsync: a 2xx leaves once its audit record is fsync'ed; write: once written to the OS, fsync'ed in the background (GENESYS_TOOLS_AUDIT_DURABILITY, default fsync)",
    )
    .option(
      '--audit-fsync-interval <ms>',
      "with --audit-durability write: most time between a record's write and its fsync (default 1000)",
    )
    .option('--insecure-no-auth', 'accept calls without credentials (local testing only)')
    .option(
      '--mcp',
      'also serve the tools over MCP (Streamable HTTP) at /mcp, same auth and policies',
    )
    // Hardening (issue 14 §4, §12).
    .option('--request-timeout-ms <ms>', 'time to receive a whole request', '30000')
    .option(
      '--connection-timeout-ms <ms>',
      'time a connection may stay silent while no call runs on it',
      '10000',
    )
    .option('--max-connections <n>', 'most open connections; more are dropped', '1024')
    .option(
      '--allow-insecure-http',
      'accept http:// execution, login and API URLs on hosts other than loopback (GENESYS_TOOLS_ALLOW_INSECURE_HTTP=true)',
    )
    .option(
      '--redis-url <url>',
      'Redis shared by the replicas for rate limits and the replay cache (GENESYS_TOOLS_REDIS_URL)',
    )
    .option(
      '--replicas <n>',
      'replicas sharing the limits; while Redis is down each serves 1/n of a limit',
      '1',
    )
    .action(async (options: Record<string, unknown>) => {
      await runServe(ctx, options);
    });
}
