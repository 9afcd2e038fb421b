/**
 * `genesys-tools emulator [--port 9900] [--host 127.0.0.1] [--data-dir DIR] [--client ID:SECRET]...
 * [--rate-limit PER_MINUTE] [strictness and fault flags]`: runs the local Genesys Cloud emulator,
 * prints its URL and the environment variables that point genesys-tools at it, and runs until
 * SIGINT/SIGTERM. The fault flags inject errors into every `/api/v2` request for chaos runs in CI.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadEnvConfig } from '../../config.js';
import { createEmulator, DEFAULT_CLIENT } from '../../emulator/index.js';
import type { EmulatorClient, EmulatorOptions, FaultSettings } from '../../emulator/index.js';
import { ConfigError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { untilStopped } from '../context.js';
import { EXIT } from '../exit-codes.js';

const rate = z.coerce
  .number()
  .min(0, 'must be a fraction from 0 to 1')
  .max(1, 'must be a fraction from 0 to 1')
  .default(0);

const EmulatorFlagsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(9900),
  dataDir: z.string().min(1).optional(),
  client: z.array(z.string().regex(/^[^:]+:.+$/, 'expected ID:SECRET')).default([]),
  rateLimit: z.coerce.number().int().min(1).max(1_000_000).default(300),
  seedGuide: z.array(z.string().min(1)).default([]),
  seedAgent: z.array(z.string().min(1)).default([]),
  listingLagMs: z.coerce.number().int().min(0).max(600_000).default(0),
  uniqueActionNames: z.boolean().default(false),
  executionConcurrency: z.coerce.number().int().min(1).max(100_000).default(15),
  executionsPerMinute: z.coerce.number().int().min(1).max(1_000_000).default(900),
  fault5xxRate: rate,
  fault429Rate: rate,
  faultDropRate: rate,
  faultLatencyMs: z.coerce.number().int().min(0).max(600_000).default(0),
  faultSeed: z.coerce.number().int().optional(),
});

/** The flags of `emulator` after parsing. */
export type EmulatorFlags = z.output<typeof EmulatorFlagsSchema>;

// Commander's camelCase keys back to the flags a user typed (`fault5xxRate` has no clean inverse).
const FLAG_NAMES = {
  host: '--host',
  port: '--port',
  dataDir: '--data-dir',
  client: '--client',
  rateLimit: '--rate-limit',
  listingLagMs: '--listing-lag-ms',
  uniqueActionNames: '--unique-action-names',
  executionConcurrency: '--execution-concurrency',
  executionsPerMinute: '--executions-per-minute',
  fault5xxRate: '--fault-5xx-rate',
  fault429Rate: '--fault-429-rate',
  faultDropRate: '--fault-drop-rate',
  faultLatencyMs: '--fault-latency-ms',
  faultSeed: '--fault-seed',
  seedGuide: '--seed-guide',
  seedAgent: '--seed-agent',
} satisfies Record<keyof EmulatorFlags, string>;

function flagName(key: PropertyKey | undefined): string {
  const name = String(key ?? '');
  return name in FLAG_NAMES ? FLAG_NAMES[name as keyof typeof FLAG_NAMES] : `--${name}`;
}

/**
 * Parses the flags of `emulator`.
 * @throws ConfigError CONFIG_USAGE naming each bad flag and its accepted range.
 */
export function parseEmulatorFlags(raw: Record<string, unknown>): EmulatorFlags {
  const parsed = EmulatorFlagsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${flagName(i.path[0])}: ${i.message}`);
  throw new ConfigError('CONFIG_USAGE', `emulator: ${problems.join('; ')}`);
}

/** `ID:SECRET` flags as emulator clients (every permission). Pure. */
export function clientsFromFlags(values: readonly string[]): readonly EmulatorClient[] {
  return values.map((value) => {
    const colon = value.indexOf(':');
    return { id: value.slice(0, colon), secret: value.slice(colon + 1) };
  });
}

/**
 * The fault settings the fault flags ask for: one rule over `/api/v2/*` whose 5xx (503 with
 * Retry-After 1) and 429 are drawn independently per request, plus latency and drops cut after the
 * route ran (a create takes effect, its answer is lost: the case that makes duplicates); undefined
 * when no fault flag is set. Pure.
 */
export function faultsFromFlags(flags: EmulatorFlags): FaultSettings | undefined {
  const any =
    flags.fault5xxRate > 0 ||
    flags.fault429Rate > 0 ||
    flags.faultDropRate > 0 ||
    flags.faultLatencyMs > 0;
  if (!any && flags.faultSeed === undefined) return undefined;
  return {
    ...(flags.faultSeed === undefined ? {} : { seed: flags.faultSeed }),
    rules: any
      ? [
          {
            path: '/api/v2/*',
            errorRate: flags.fault5xxRate,
            errorStatus: 503,
            rateLimitRate: flags.fault429Rate,
            dropRate: flags.faultDropRate,
            dropPhase: 'response',
            latencyMs: flags.faultLatencyMs,
            retryAfterSeconds: 1,
          },
        ]
      : [],
  };
}

/** The emulator's options from the parsed flags (clients and signing secret apart). Pure. */
export function emulatorOptionsFromFlags(flags: EmulatorFlags): EmulatorOptions {
  const faults = faultsFromFlags(flags);
  return {
    rateLimitPerMinute: flags.rateLimit,
    listingLagMs: flags.listingLagMs,
    uniqueActionNames: flags.uniqueActionNames,
    executionConcurrency: flags.executionConcurrency,
    executionsPerMinute: flags.executionsPerMinute,
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(faults === undefined ? {} : { faults }),
  };
}

/** The lines printed once the emulator listens. Pure. */
export function startBanner(
  url: string,
  client: { readonly id: string; readonly secret: string },
): string {
  return [
    `Genesys Cloud emulator listening on ${url}`,
    `  login host: ${url}/oauth/token   API host: ${url}/api/v2`,
    'Point genesys-tools at it (paste into your shell):',
    ...exportLines(url, client).map((line) => `  ${line}`),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** `export NAME=value` lines for a POSIX shell that point genesys-tools at the emulator. */
export function exportLines(
  url: string,
  client: { readonly id: string; readonly secret: string },
): readonly string[] {
  const variables: readonly (readonly [string, string])[] = [
    ['GENESYS_CLOUD_API_URL', url],
    ['GENESYS_CLOUD_LOGIN_URL', url],
    ['GENESYS_CLOUD_CLIENT_ID', client.id],
    ['GENESYS_CLOUD_CLIENT_SECRET', client.secret],
  ];
  return variables.map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

/** A value as one POSIX shell word: bare when it is safe, else in single quotes. */
export function shellQuote(value: string): string {
  return /^[\w.:/@%+,=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

async function run(raw: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const flags = parseEmulatorFlags(raw);
  const env = loadEnvConfig(ctx.env);
  const clients = clientsFromFlags(flags.client);
  // Sign gateway invocations with the secret the execution server verifies, when it is a
  // Standard Webhooks secret.
  const signing = env.signingSecrets.find((s) => s.startsWith('whsec_'));
  const emulator = await createEmulator({
    ...emulatorOptionsFromFlags(flags),
    ...(clients.length === 0 ? {} : { clients: [...clients] }),
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
    .option(
      '--listing-lag-ms <ms>',
      'a created action is listed only after this lag and a deleted one stays listed for it',
      '0',
    )
    .option('--unique-action-names', 'refuse a second action with the same name in an integration')
    .option('--execution-concurrency <n>', 'data action executions allowed at once', '15')
    .option('--executions-per-minute <n>', 'data action executions allowed per minute', '900')
    .option('--fault-5xx-rate <rate>', 'share (0-1) of API requests answered 503', '0')
    .option('--fault-429-rate <rate>', 'share (0-1) of API requests answered 429, drawn apart', '0')
    .option(
      '--fault-drop-rate <rate>',
      'share (0-1) of API requests handled but whose answer is dropped',
      '0',
    )
    .option('--fault-latency-ms <ms>', 'latency added to every API request', '0')
    .option('--fault-seed <n>', 'seed of the fault draws (same seed, same faults)')
    .action(async (options: Record<string, unknown>) => {
      await run(options, ctx);
    });
}
