/** Shared wiring of the sync integration tests: emulator, client, registry, plan and apply. */
import type { ToolDefinition } from '../../src/definition/index.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { GenesysClient } from '../../src/genesys/index.js';
import type { Registry } from '../../src/registry/index.js';
import { createDataActionsRegistry, createGatewayRegistry } from '../../src/registry/index.js';
import type { ApplyOptions, Plan, PlanOptions } from '../../src/sync/index.js';
import { applyPlan, planSync } from '../../src/sync/index.js';
import { startEmulator } from '../support/emulator.js';

export const EXECUTION_URL = 'http://127.0.0.1:9/tools';
const FAST = 1_000_000;

/** An emulator with a high rate limit, a client whose limiter matches, and a registry on it. */
export async function setup(
  target: 'data-actions' | 'gateway' = 'data-actions',
  emulatorOptions: EmulatorOptions = {},
) {
  const started = await startEmulator({ rateLimitPerMinute: FAST, ...emulatorOptions });
  const client: GenesysClient = createGenesysClient({
    apiUrl: started.url,
    clientId: started.clientId,
    clientSecret: started.clientSecret,
    requestsPerMinute: emulatorOptions.rateLimitPerMinute ?? FAST,
    requestTimeoutMs: 10_000,
    backoff: { baseMs: 5, maxMs: 50 },
    retryAfterCapMs: 50,
  });
  const registry: Registry =
    target === 'data-actions'
      ? createDataActionsRegistry(
          { executionUrl: EXECUTION_URL, bearerToken: 'sentinel-token-1234' },
          client,
        )
      : createGatewayRegistry({ executionUrl: EXECUTION_URL }, client);
  return { ...started, client, registry };
}

/** Lists, then plans (list first: it finds the integration the desired actions name). */
export async function plan(
  registry: Registry,
  tools: readonly ToolDefinition[],
  options: Partial<PlanOptions> = {},
): Promise<Plan> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const remote = await registry.list(
    tools.map((t) => t.name),
    {
      desiredFor: (name) => {
        const tool = byName.get(name);
        return tool === undefined ? undefined : registry.desired(tool);
      },
    },
  );
  const desired = tools.map((t) => registry.desired(t));
  return planSync(desired, remote, { target: registry.target, scope: registry.scope, ...options });
}

/** Plans and applies. */
export async function planAndApply(
  registry: Registry,
  tools: readonly ToolDefinition[],
  options: ApplyOptions & Partial<PlanOptions> = {},
) {
  const { prune, adopt, destroy, ...applyOptions } = options;
  const p = await plan(registry, tools, {
    ...(prune === undefined ? {} : { prune }),
    ...(adopt === undefined ? {} : { adopt }),
    ...(destroy === undefined ? {} : { destroy }),
  });
  // No listing lag here: the consistency bounds can be short (the lag tests set their own).
  return {
    plan: p,
    result: await applyPlan(p, registry, {
      retryDelayMs: 5,
      settleTimeoutMs: 300,
      pollIntervalMs: 20,
      deleteWaitMs: 2_000,
      ...applyOptions,
    }),
  };
}
