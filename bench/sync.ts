/**
 * `npm run bench:sync [-- --sizes 50,200,1000]`: requests and wall time of `apply` and of a
 * no-change `plan` for N tools against the embedded emulator with its strict defaults (templates
 * only as URIs, listings without contracts, 300 requests per minute per token) and the client's
 * default limiter (issue 5 "Done when", issue 12 "the figure").
 *
 * Scenarios, each in a new client (its own token and limiter, as a new CLI process would have):
 * - `apply`: creates the N tools.
 * - `plan`: a no-change plan. Every action carries the spec digest header (SPEC_HEADER), so the
 *   listing settles each one: listing pages only, no per-action reads.
 * - `plan-old`: the same plan after the header is removed from every action (by PATCH through
 *   the client, outside the measured window), as an install from before the digest would have
 *   them. The listing cannot settle an action, so each one is read in full: one GET with the
 *   contract plus two template GETs, and each is planned as an update that writes the header
 *   back (anything but updates is flagged UNEXPECTED).
 * - `apply-old`: an `apply` over those actions: its plan reads in full again, and whether it
 *   writes anything (puts the header back) shows whether such an install ever gets the saving.
 *
 * The bound is the fastest any client could make the same number of API requests under a fixed
 * one-minute window of 300: floor((requests - 1) / 300) minutes. Below 301 requests it is zero
 * (everything fits in one window), and the ratio is not defined.
 */
import { parseArgs } from 'node:util';
import type { ToolDefinition } from '../src/definition/index.js';
import { createEmulator } from '../src/emulator/index.js';
import type { EmulatorCall } from '../src/emulator/index.js';
import { createGenesysClient } from '../src/genesys/index.js';
import type { GenesysClient } from '../src/genesys/index.js';
import {
  createDataActionsRegistry,
  DEFAULT_CATEGORY,
  SPEC_HEADER,
  toDataAction,
} from '../src/registry/index.js';
import type { Registry } from '../src/registry/index.js';
import { applyPlan, hasChanges, planSync } from '../src/sync/index.js';
import type { Plan } from '../src/sync/index.js';

/** The emulator's and the client's default rate (reference §3); only used for the bound. */
const RATE_PER_MINUTE = 300;
const ACTIONS = '/api/v2/integrations/actions';
const EXECUTION_URL = 'https://tools.example.com';

function tool(name: string): ToolDefinition {
  return {
    name,
    description: `Checks inventory levels for ${name}`,
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { sku: { type: 'string', description: 'Product stock keeping unit' } },
      required: ['sku'],
    },
    outputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { inventory_level: { type: 'integer' } },
    },
    rateLimit: { requestsPerMinute: 60, burstSize: 10 },
    timeoutMs: 5000,
    retries: 1,
    concurrency: { maxConcurrent: 10, maxQueue: 10 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  };
}

/** What one scenario sent, by kind of request. */
interface Measure {
  readonly wallMs: number;
  /** Every `/api/` request (the token request is not rate-limited per token). */
  readonly requests: number;
  /** `GET /api/v2/integrations/actions` pages. */
  readonly listing: number;
  /** `GET /api/v2/integrations/actions/{id}` (with the contract): one per full read. */
  readonly actionGets: number;
  /** `GET /api/v2/integrations/actions/{id}/templates/{file}`: two per full read. */
  readonly templateGets: number;
  /** POST, PUT, PATCH, DELETE under `/api/`. */
  readonly writes: number;
  readonly other: number;
  readonly tokens: number;
  readonly throttled: number;
}

const ACTION_GET = /^\/api\/v2\/integrations\/actions\/(?!categories$)[^/]+$/;
const TEMPLATE_GET = /^\/api\/v2\/integrations\/actions\/[^/]+\/templates\/[^/]+$/;

function count(calls: readonly EmulatorCall[], wallMs: number): Measure {
  const api = calls.filter((c) => c.path.startsWith('/api/'));
  const gets = api.filter((c) => c.method === 'GET');
  const listing = gets.filter((c) => c.path === ACTIONS).length;
  const actionGets = gets.filter((c) => ACTION_GET.test(c.path)).length;
  const templateGets = gets.filter((c) => TEMPLATE_GET.test(c.path)).length;
  const writes = api.filter((c) => c.method !== 'GET').length;
  return {
    wallMs,
    requests: api.length,
    listing,
    actionGets,
    templateGets,
    writes,
    other: api.length - listing - actionGets - templateGets - writes,
    tokens: calls.filter((c) => c.path === '/oauth/token').length,
    throttled: calls.filter((c) => c.status === 429).length,
  };
}

function boundMs(requests: number): number {
  return Math.floor(Math.max(0, requests - 1) / RATE_PER_MINUTE) * 60_000;
}

function ratio(m: Measure): string {
  const bound = boundMs(m.requests);
  return bound === 0 ? 'n/a (one window)' : `${(m.wallMs / bound).toFixed(3)}x`;
}

const HEADER = [
  ' size  scenario     requests  list  action-GET  template-GET  other  writes  429s     wall s  bound s  ratio',
  ' ----  ---------  ----------  ----  ----------  ------------  -----  ------  ----  ---------  -------  -----',
].join('\n');

function row(size: number, what: string, m: Measure, note: string): string {
  const n = (v: number, width: number): string => String(v).padStart(width);
  return [
    n(size, 5),
    what.padEnd(9),
    n(m.requests, 10),
    n(m.listing, 4),
    n(m.actionGets, 10),
    n(m.templateGets, 12),
    n(m.other, 5),
    n(m.writes, 6),
    n(m.throttled, 4),
    (m.wallMs / 1000).toFixed(2).padStart(9),
    (boundMs(m.requests) / 1000).toFixed(0).padStart(7),
    `${ratio(m)}  ${note}`,
  ].join('  ');
}

/** Lists with `desiredFor` (so the listing can settle actions), then plans. */
async function plan(registry: Registry, tools: readonly ToolDefinition[]): Promise<Plan> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const remote = await registry.list(
    tools.map((t) => t.name),
    {
      desiredFor: (name) => {
        const t = byName.get(name);
        return t === undefined ? undefined : registry.desired(t);
      },
    },
  );
  const desired = tools.map((t) => registry.desired(t));
  return planSync(desired, remote, { target: registry.target, scope: registry.scope });
}

/**
 * Makes the actions look as an install from before the spec digest left them: each one PATCHed
 * through the client with its config minus the SPEC_HEADER header (templates inline, as written).
 */
async function removeDigest(
  client: GenesysClient,
  tools: readonly ToolDefinition[],
): Promise<number> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listed = await client.dataActions
    .list({ category: DEFAULT_CATEGORY, includeConfig: true })
    .collect();
  let patched = 0;
  for (const action of listed) {
    const t = byName.get(action.name);
    if (t === undefined || action.version === undefined) continue;
    const { config } = toDataAction(t, {
      executionUrl: EXECUTION_URL,
      category: DEFAULT_CATEGORY,
      integrationId: action.integrationId ?? '',
    });
    const headers = Object.fromEntries(
      Object.entries(config.request.headers).filter(([k]) => k !== SPEC_HEADER),
    );
    await client.dataActions.patch(action.id, {
      version: action.version,
      config: { ...config, request: { ...config.request, headers } },
    });
    patched++;
  }
  return patched;
}

async function runSize(size: number): Promise<Measure> {
  // Strict defaults; the rate limit is left at the emulator's default (300/min per token).
  const emulator = await createEmulator();
  const url = await emulator.listen({ host: '127.0.0.1', port: 0 });
  try {
    const tools = Array.from({ length: size }, (_, i) =>
      tool(`bench_${String(i).padStart(5, '0')}`),
    );
    const session = () => {
      // A new client per command, as a new CLI process would have: its own token and limiter
      // (the client's default, 300 requests per minute).
      const client = createGenesysClient({
        apiUrl: url,
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
      });
      const registry = createDataActionsRegistry(
        { executionUrl: EXECUTION_URL, bearerToken: 'bench-token' },
        client,
      );
      return { client, registry };
    };
    const measure = async (run: () => Promise<void>): Promise<Measure> => {
      const from = emulator.calls.length;
      const start = performance.now();
      await run();
      const wallMs = performance.now() - start;
      return count(emulator.calls.slice(from), wallMs);
    };
    const noChange = (p: Plan): string =>
      hasChanges(p) ? 'UNEXPECTED: plan shows changes' : 'no changes';

    const apply = await measure(async () => {
      const { registry } = session();
      await applyPlan(await plan(registry, tools), registry, { concurrency: 8 });
    });
    console.log(row(size, 'apply', apply, ''));

    let note = '';
    const noop = await measure(async () => {
      note = noChange(await plan(session().registry, tools));
    });
    console.log(row(size, 'plan', noop, note));

    const patched = await removeDigest(session().client, tools);
    if (patched !== size) throw new Error(`removed the digest from ${patched} of ${size} actions`);
    const stale = await measure(async () => {
      // An action without the header is updated once, to write it back (so that later plans
      // settle from the listing): updates are expected here, anything else is not.
      const p = await plan(session().registry, tools);
      const kinds = new Set(p.changes.map((c) => c.kind));
      kinds.delete('unchanged');
      note =
        kinds.size === 0
          ? 'no changes'
          : kinds.size === 1 && kinds.has('update')
            ? `${String(p.changes.filter((c) => c.kind === 'update').length)} updates (header written back)`
            : `UNEXPECTED: plan shows ${[...kinds].join(', ')}`;
    });
    console.log(row(size, 'plan-old', stale, `${note}; digest header removed first`));

    const reapply = await measure(async () => {
      const { registry } = session();
      await applyPlan(await plan(registry, tools), registry, { concurrency: 8 });
    });
    console.log(
      row(
        size,
        'apply-old',
        reapply,
        reapply.writes === 0 ? 'wrote nothing: the header stays missing' : 'header written back',
      ),
    );
    return noop;
  } finally {
    await emulator.close();
  }
}

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '50,200' } } });
const sizes = values.sizes
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
console.log(
  `bench:sync: data-actions target, strict emulator at ${RATE_PER_MINUTE} requests/min per token, client's default limiter; sizes ${sizes.join(', ')}`,
);
console.log(HEADER);
const reads = new Map<number, number>();
for (const size of sizes) {
  const noop = await runSize(size);
  reads.set(size, noop.actionGets + noop.templateGets);
}
for (const [size, n] of reads) {
  console.log(
    n === 0
      ? `check: a no-change plan of ${size} tools sent 0 per-action or template GETs`
      : `check FAILED: a no-change plan of ${size} tools sent ${n} per-action or template GETs`,
  );
}
if ([...reads.values()].some((n) => n !== 0)) process.exitCode = 1;
