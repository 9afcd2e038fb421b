/**
 * `genesys-tools emulator [--port 9900] [--host 127.0.0.1] [--data-dir DIR] [--client ID:SECRET]...
 * [--rate-limit PER_MINUTE]`: runs the local Genesys Cloud emulator, prints its URL and the
 * environment variables that point genesys-tools at it, and runs until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadEnvConfig } from '../../config.js';
import { createEmulator, DEFAULT_CLIENT } from '../../emulator/index.js';
import type { EmulatorClient } from '../../emulator/index.js';
import { ConfigError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { untilStopped } from '../context.js';
import { EXIT } from '../exit-codes.js';

const EmulatorFlagsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(9900),
  dataDir: z.string().min(1).optional(),
  client: z.array(z.string().regex(/^[^:]+:.+$/, 'expected ID:SECRET')).default([]),
  rateLimit: z.coerce.number().int().min(1).max(1_000_000).default(300),
  seedGuide: z.array(z.string().min(1)).default([]),
  seedAgent: z.array(z.string().min(1)).default([]),
});

/** The flags of `emulator` after parsing. */
export type EmulatorFlags = z.output<typeof EmulatorFlagsSchema>;

function parseFlags(raw: Record<string, unknown>): EmulatorFlags {
  const parsed = EmulatorFlagsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`);
  throw new ConfigError('CONFIG_USAGE', `emulator: ${problems.join('; ')}`);
}

/** `ID:SECRET` flags as emulator clients (every permission). Pure. */
export function clientsFromFlags(values: readonly string[]): readonly EmulatorClient[] {
  return values.map((value) => {
    const colon = value.indexOf(':');
    return { id: value.slice(0, colon), secret: value.slice(colon + 1) };
  });
}

/** The lines printed once the emulator listens. Pure. */
export function startBanner(
  url: string,
  client: { readonly id: string; readonly secret: string },
): string {
  return [
    `Genesys Cloud emulator listening on ${url}`,
    `  login host: ${url}/oauth/token   API host: ${url}/api/v2`,
    'Point genesys-tools at it with:',
    `  GENESYS_CLOUD_API_URL=${url} GENESYS_CLOUD_LOGIN_URL=${url} GENESYS_CLOUD_CLIENT_ID=${client.id} GENESYS_CLOUD_CLIENT_SECRET=${client.secret}`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

async function run(raw: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const flags = parseFlags(raw);
  const env = loadEnvConfig(ctx.env);
  const clients = clientsFromFlags(flags.client);
  // Sign gateway invocations with the secret the execution server verifies, when it is a
  // Standard Webhooks secret.
  const signing = env.signingSecrets.find((s) => s.startsWith('whsec_'));
  const emulator = await createEmulator({
    ...(clients.length === 0 ? {} : { clients: [...clients] }),
    rateLimitPerMinute: flags.rateLimit,
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(signing === undefined ? {} : { gatewaySigningSecret: signing }),
    seedGuides: flags.seedGuide,
    seedAgents: flags.seedAgent,
  });
  try {
    const url = await emulator.listen({ host: flags.host, port: flags.port });
    ctx.stdout(startBanner(url, clients[0] ?? DEFAULT_CLIENT));
    await untilStopped(ctx);
    ctx.stderr('emulator stopping\n');
  } finally {
    await emulator.close();
  }
  ctx.exitCode = EXIT.ok;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `genesys-tools emulator`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('emulator')
    .description(
      'Run the local Genesys Cloud emulator (OAuth, integrations, data actions, gateway tools) until stopped.',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: a free port)', '9900')
    .option('--data-dir <dir>', 'keep state in this directory across restarts')
    .option(
      '--client <id:secret>',
      'an OAuth client the emulator accepts (repeatable; default emulator-client:emulator-secret)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--rate-limit <perMinute>', 'requests per token per minute', '300')
    .option('--seed-guide <name>', 'create an empty guide at start (repeatable)', collect, [])
    .option(
      '--seed-agent <name>',
      'create an empty agentic virtual agent at start (repeatable)',
      collect,
      [],
    )
    .action(async (options: Record<string, unknown>) => {
      await run(options, ctx);
    });
}
