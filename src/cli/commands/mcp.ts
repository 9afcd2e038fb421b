/**
 * `genesys-tools mcp [--tools DIR] [--audit-file FILE]`: the tools over MCP on stdio (issue 17), for
 * assistants that start their tools as a subprocess (Claude Desktop and the like). stdout carries
 * protocol messages only: notes and log lines go to stderr. No caller authentication: whoever can
 * start the process can call the tools. Runs until stdin ends or SIGTERM/SIGINT.
 */
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadEnvConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { serveStdio } from '../../mcp/index.js';
import type { McpServerInfo } from '../../mcp/index.js';
import { createToolCalls } from '../../server/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { cliLogger, wireServer } from '../wiring.js';
import { toolsWithHandlers } from './served-tools.js';
import type { ServerWiring } from '../wiring.js';

const McpFlagsSchema = z.strictObject({
  tools: z.string().min(1).default('./tools'),
  auditFile: z.string().min(1).optional(),
});

/** The name and version the MCP server gives in `initialize`: this package's. */
export function mcpServerInfo(): McpServerInfo {
  const pkg: unknown = createRequire(import.meta.url)('../../../package.json');
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
      ? pkg.version
      : '0.0.0';
  return { name: 'genesys-tools', version };
}

function parseFlags(raw: Record<string, unknown>): z.output<typeof McpFlagsSchema> {
  const parsed = McpFlagsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
  throw new ConfigError('CONFIG_USAGE', `mcp: ${problems.join('; ')}`);
}

/** Serves the tools over stdio until stdin ends or `ctx.stopSignal`. */
export async function runMcp(
  ctx: CliContext,
  raw: Record<string, unknown>,
  io: { readonly stdin: Readable; readonly stdout: Writable },
): Promise<void> {
  const flags = parseFlags(raw);
  const env = loadEnvConfig(ctx.env);
  const tools = await toolsWithHandlers(ctx, [flags.tools], 'mcp');
  // An audit log only when asked for: an assistant may start the process in a directory it
  // cannot or should not write to.
  const auditFile = flags.auditFile ?? ctx.env['GENESYS_TOOLS_AUDIT_FILE'];
  const wiring: ServerWiring | undefined =
    auditFile === undefined
      ? undefined
      : await wireServer(ctx, env, { tools, metricsPort: false, auditFile });
  const logger = wiring?.logger ?? cliLogger(ctx, env);
  const calls = createToolCalls(
    {
      tools: [...tools],
      protocol: 'mcp',
      ...(wiring === undefined
        ? {}
        : { observer: wiring.telemetry.observer, audit: wiring.auditLog }),
    },
    { logger },
  );
  logger.info(
    { tools: tools.map((t) => t.name), auditFile: wiring?.auditFile },
    'serving tools over MCP on stdio',
  );
  try {
    await serveStdio(calls, { ...io, info: mcpServerInfo(), signal: ctx.stopSignal });
  } finally {
    // The client is gone: nothing can receive what the calls still running would answer.
    calls.abortAll();
    await wiring?.close();
  }
  logger.info({}, 'MCP stdio session ended');
  ctx.exitCode = EXIT.ok;
}

/** Registers `mcp`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description('Serve the tools over MCP on stdio, for local assistants (no authentication)')
    .option('--tools <dir>', 'tool files or directory', './tools')
    .option(
      '--audit-file <file>',
      'audit log path (default GENESYS_TOOLS_AUDIT_FILE; no audit log when neither is set)',
    )
    .action(async (options: Record<string, unknown>) => {
      await runMcp(ctx, options, { stdin: process.stdin, stdout: process.stdout });
    });
}
