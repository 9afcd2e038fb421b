/**
 * Options of the emulator, parsed once with zod strict objects (STYLE §5). Defaults live here and
 * nowhere else.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** HTTP statuses a fault rule may answer with. */
const FaultStatusSchema = z.union([
  z.literal(429),
  z.literal(500),
  z.literal(502),
  z.literal(503),
  z.literal(504),
]);

/** One fault rule: which requests it matches and what it does to them. */
export const FaultRuleSchema = z.strictObject({
  /** Path pattern; `*` matches any run of characters (`/api/v2/integrations/actions*`). */
  path: z.string().min(1).default('*'),
  /** HTTP method to match; any when absent. */
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** Share (0–1) of matching requests answered with `errorStatus`. */
  errorRate: z.number().min(0).max(1).default(0),
  errorStatus: FaultStatusSchema.default(503),
  /** Share (0–1) answered 429, drawn apart from `errorRate` (when both hit, the error wins). */
  rateLimitRate: z.number().min(0).max(1).default(0),
  /** Retry-After seconds sent with a 429 (and 503) fault. */
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  /** Added latency before the request is handled (on the injected clock). */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  /** Share (0–1) of matching requests whose connection is dropped without an answer. */
  dropRate: z.number().min(0).max(1).default(0),
  /**
   * When a dropped connection is cut: `request` before the route runs (nothing happens), or
   * `response` after it ran (a write takes effect and its answer is lost).
   */
  dropPhase: z.enum(['request', 'response']).default('request'),
  /** Apply the rule to the first N matching requests only (scripted faults); always when absent. */
  times: z.number().int().min(1).optional(),
});

/** Fault injection settings: a list of rules, the first matching rule applies. */
export const FaultSettingsSchema = z.strictObject({
  /** Seed of the fault PRNG; the emulator's `seed` when absent. Setting faults re-seeds. */
  seed: z.number().int().optional(),
  rules: z.array(FaultRuleSchema).default([]),
});

/** Fault settings as callers write them. */
export type FaultSettings = z.input<typeof FaultSettingsSchema>;
/** Fault settings after parsing. */
export type ParsedFaultSettings = z.output<typeof FaultSettingsSchema>;
/** One parsed fault rule. */
export type FaultRule = z.output<typeof FaultRuleSchema>;

/** An OAuth client the emulator accepts. */
export const ClientSchema = z.strictObject({
  id: z.string().min(1),
  secret: z.string().min(1),
  /** Permissions the client's role grants; all when absent. */
  permissions: z.array(z.string().min(1)).readonly().optional(),
  /** Token lifetime for this client; the emulator's default when absent. */
  tokenLifetimeSeconds: z.number().int().min(1).max(172_800).optional(),
});

/** An OAuth client as callers write it. */
export type EmulatorClient = z.input<typeof ClientSchema>;

/** The default client: all permissions. */
export const DEFAULT_CLIENT = { id: 'emulator-client', secret: 'emulator-secret' } as const;

/** Options of `createEmulator`. */
export const EmulatorOptionsSchema = z.strictObject({
  clients: z
    .array(ClientSchema)
    .min(1)
    .default([{ ...DEFAULT_CLIENT }]),
  /** Requests per token per minute (reference §3: 300). */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(300),
  /** Default token lifetime (reference §1: 86400, observed one second under). */
  tokenLifetimeSeconds: z.number().int().min(1).max(172_800).default(86_399),
  /** Directory that keeps state across restarts; in memory only when absent. */
  dataDir: z.string().min(1).optional(),
  faults: FaultSettingsSchema.optional(),
  /** Seed of the fault PRNG. */
  seed: z.number().int().default(1),
  /** Standard Webhooks secret (`whsec_...`) used to sign gateway tool invocations. */
  gatewaySigningSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected a Standard Webhooks secret "whsec_<base64>"')
    .optional(),
  /** Sent as `ININ-Organization-Id` to data action targets. */
  organizationId: z.string().min(1).default('4b1b5d5f-0b6a-4c5e-9f0e-6d1f3a2b7c11'),
  /** Guides and agents created empty at start (skipped when one of that name exists); publish
   * jobs answer `InProgress` to this many GETs, then their outcome (no timers). */
  seedGuides: z.array(z.string().min(1).max(256)).default([]),
  seedAgents: z.array(z.string().min(1).max(256)).default([]),
  publishPolls: z.number().int().min(0).max(1000).default(1),
  // Strictness (issue 12, reference §10; docs/emulator.md "Strict by default").
  /** Lag before a created action is listed and a deleted one leaves the listing (§10.2). */
  listingLagMs: z.number().int().min(0).max(600_000).default(0),
  /** Refuse a second action with the same name in one integration (§7.2, §10.5: unsettled). */
  uniqueActionNames: z.boolean().default(false),
  /** `actions.concurrent.executions.max` of the org (§10.3: 15). */
  executionConcurrency: z.number().int().min(1).max(100_000).default(15),
  /** `requests.volume.max`: executions per minute of the org (§10.3: 900). */
  executionsPerMinute: z.number().int().min(1).max(1_000_000).default(900),
});

/** Options of `createEmulator` as callers write them. */
export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
/** Options after parsing (defaults filled). */
export type ParsedEmulatorOptions = Readonly<z.output<typeof EmulatorOptionsSchema>>;

/**
 * Parses `createEmulator`'s options.
 * @throws ConfigError CONFIG_INVALID naming each bad option.
 */
export function parseEmulatorOptions(input: unknown): ParsedEmulatorOptions {
  const parsed = EmulatorOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError('CONFIG_INVALID', `createEmulator: ${problems.join('; ')}`, {
      details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return Object.freeze(parsed.data);
}
