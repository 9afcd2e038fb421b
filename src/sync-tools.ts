/**
 * The library's one call that syncs (issue 15 item 14): load the tool files, plan against the
 * registry, apply, in that order. Wires rooms together, like the CLI and `index.ts` (STYLE §1).
 */
import type { TargetName, ToolDefinition } from './definition/index.js';
import { loadTools, missingEndpointIssue, validateTool } from './definition/index.js';
import type { DefinitionIssue } from './definition/index.js';
import { DefinitionError } from './errors.js';
import type { GenesysClient } from './genesys/index.js';
import type {
  DataActionsRegistryOptions,
  GatewayRegistryOptions,
  Registry,
} from './registry/index.js';
import { createDataActionsRegistry, createGatewayRegistry } from './registry/index.js';
import type {
  ApplyOptions,
  ApplyResult,
  Plan,
  PlanOptions,
  ProgressListener,
} from './sync/index.js';
import { applyPlan, hasChanges, planSync, safeProgress } from './sync/index.js';
import { clientProgress } from './client-progress.js';

/** Options of `createRegistry`: the target and its settings. */
export type RegistryOptions =
  | ({ readonly target?: 'data-actions' } & DataActionsRegistryOptions)
  | ({ readonly target: 'gateway' } & GatewayRegistryOptions);

/**
 * The registry of a target on a Genesys client (data actions unless `target: 'gateway'`).
 * @throws ConfigError CONFIG_INVALID for bad options.
 */
export function createRegistry(options: RegistryOptions, client: GenesysClient): Registry {
  // The registries' option schemas are strict: `target` is not theirs.
  const withoutTarget = Object.fromEntries(
    Object.entries(options).filter(([key]) => key !== 'target'),
  );
  const registry =
    options.target === 'gateway'
      ? createGatewayRegistry(withoutTarget as GatewayRegistryOptions, client)
      : createDataActionsRegistry(withoutTarget as DataActionsRegistryOptions, client);
  // The client's retries and rate-limit waits reach `onProgress` of syncTools/planTools.
  return { ...registry, watch: (listener) => client.subscribe(listener) };
}

/** Runs `work` with the registry's client events reported to `listener` as progress. */
async function watching<T>(
  registry: Registry,
  listener: ProgressListener | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const stop =
    listener === undefined ? undefined : registry.watch?.(clientProgress(safeProgress(listener)));
  try {
    return await work();
  } finally {
    stop?.();
  }
}

/** Every problem of every tool for `target` (empty when all are valid). */
export function validateTools(
  tools: readonly ToolDefinition[],
  target: TargetName,
): readonly (DefinitionIssue & { readonly tool: string })[] {
  return tools.flatMap((t) => validateTool(t, target).map((i) => ({ ...i, tool: t.name })));
}

/**
 * Refuses, before anything is read or written, tools that nothing here serves: no handler and
 * no `endpoint` (their registration could only answer 404).
 * @throws DefinitionError DEFINITION_NO_ENDPOINT naming each such tool and its file.
 */
function requireServed(tools: readonly ToolDefinition[]): void {
  const unserved = tools.flatMap((t) => {
    const found = missingEndpointIssue(t);
    return found === undefined ? [] : [{ tool: t.name, source: t.source ?? null, ...found }];
  });
  const first = unserved[0];
  if (first === undefined) return;
  throw new DefinitionError(
    'DEFINITION_NO_ENDPOINT',
    `${unserved.length} tool${unserved.length === 1 ? ' has' : 's have'} no handler and no endpoint; nothing was planned:\n${unserved
      .map((u) => `  ${u.tool}${u.source === null ? '' : ` (${u.source})`}: ${u.message}`)
      .join('\n')}`,
    {
      pointer: first.pointer,
      details: { issues: unserved.map((u) => ({ tool: u.tool, file: u.source, code: u.code })) },
    },
  );
}

/**
 * Lists the remote state, then plans `tools` against it. The order is this function's business:
 * the listing is asked for the desired forms lazily, so a settled action is not read in full.
 * @throws DefinitionError DEFINITION_NO_ENDPOINT for a tool with neither handler nor endpoint.
 */
export async function planTools(
  registry: Registry,
  tools: readonly ToolDefinition[],
  options: Pick<PlanOptions, 'prune' | 'adopt' | 'destroy'> & {
    readonly signal?: AbortSignal | undefined;
    /** Told of rate-limit and retry waits while the plan reads the org. */
    readonly onProgress?: ProgressListener | undefined;
  } = {},
): Promise<Plan> {
  return watching(registry, options.onProgress, () => planOnce(registry, tools, options));
}

async function planOnce(
  registry: Registry,
  tools: readonly ToolDefinition[],
  options: Pick<PlanOptions, 'prune' | 'adopt' | 'destroy'> & {
    readonly signal?: AbortSignal | undefined;
  },
): Promise<Plan> {
  requireServed(tools);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const remote = await registry.list(
    tools.map((t) => t.name),
    {
      signal: options.signal,
      desiredFor: (name) => {
        const tool = byName.get(name);
        return tool === undefined ? undefined : registry.desired(tool);
      },
    },
  );
  const plan = planSync(
    tools.map((t) => registry.desired(t)),
    remote,
    {
      target: registry.target,
      scope: registry.scope,
      ...(options.prune === undefined ? {} : { prune: options.prune }),
      ...(options.adopt === undefined ? {} : { adopt: options.adopt }),
      ...(options.destroy === undefined ? {} : { destroy: options.destroy }),
    },
  );
  // Apply readies the integration and its credential before it writes an action (applyPlan
  // calls prepare when anything but deletes is planned): the plan shows that too.
  const writes = plan.changes.some(
    (c) => c.kind === 'create' || c.kind === 'update' || c.kind === 'replace',
  );
  if (!writes || registry.preparation === undefined) return plan;
  return { ...plan, setup: await registry.preparation({ signal: options.signal }) };
}

/** Options of `syncTools`. */
export interface SyncToolsOptions extends Pick<
  ApplyOptions,
  | 'allowReplace'
  | 'concurrency'
  | 'onChange'
  | 'onNotice'
  | 'signal'
  | 'settleTimeoutMs'
  | 'deleteWaitMs'
  | 'beforeRemovals'
  | 'clock'
> {
  readonly registry: Registry;
  /** Tool files or directories (loaded with `loadTools`), or tools already defined. */
  readonly tools: readonly string[] | readonly ToolDefinition[];
  /** Base of relative paths (default the process's working directory). */
  readonly cwd?: string;
  /** Delete managed registrations no tool defines. */
  readonly prune?: boolean;
  /** Take over unmanaged registrations that carry a wanted name. */
  readonly adopt?: boolean;
  /**
   * Long waits, each step and then `waited` when one ends: rate limits (429), retries, the
   * listing catching up, deleted actions still reading as present. Word them with `progressText`.
   */
  readonly onProgress?: ProgressListener;
  /** A plan made earlier (a saved plan checked fresh): applied instead of planning `tools`. */
  readonly plan?: Plan;
  /**
   * Called with the plan before anything is written, and awaited: throw to stop without writing
   * (approval refused); answer false to write nothing, true to apply even a plan without changes
   * (so that `beforeRemovals` runs); nothing to apply when the plan has changes.
   */
  readonly review?: (plan: Plan) => Promise<boolean | undefined> | boolean | undefined;
}

/** What `syncTools` did. */
export interface SyncToolsResult {
  readonly plan: Plan;
  /** Undefined when nothing was applied. */
  readonly result: ApplyResult | undefined;
}

function isPathList(tools: SyncToolsOptions['tools']): tools is readonly string[] {
  return tools.every((t) => typeof t === 'string');
}

/**
 * Loads tool files, refusing any with errors (a missing tool would look like a deletion).
 * @throws DefinitionError DEFINITION_INVALID (or the first issue's code) listing every problem.
 */
async function toolsOf(options: SyncToolsOptions): Promise<readonly ToolDefinition[]> {
  if (!isPathList(options.tools)) return options.tools;
  const loaded = await loadTools(options.tools, {
    cwd: options.cwd ?? process.cwd(),
    target: options.registry.target,
  });
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new DefinitionError(
      errors[0]?.code ?? 'DEFINITION_INVALID',
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the tool files; nothing was planned:\n${errors
        .map(
          (i) => `  ${i.file}${i.pointer === '' ? '' : ` ${i.pointer}`}: ${i.code}: ${i.message}`,
        )
        .join('\n')}`,
      {
        details: {
          issues: errors.map((i) => ({ file: i.file, pointer: i.pointer, code: i.code })),
        },
      },
    );
  }
  return loaded.tools;
}

/** Copies the options that are set (the apply options are strict about `undefined`). */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Makes the registry's scope match the tools: loads them (refusing any with errors, since a
 * missing tool would look like a deletion), plans, applies. The CLI's `apply` runs this too.
 * @throws DefinitionError DEFINITION_INVALID (or the first issue's code) listing every problem.
 * @throws SyncError as `applyPlan` (SYNC_APPLY_FAILED, SYNC_REPLACE_NOT_ALLOWED, ...).
 */
export async function syncTools(options: SyncToolsOptions): Promise<SyncToolsResult> {
  const { registry } = options;
  return watching(registry, options.onProgress, async () => {
    const plan =
      options.plan ??
      (await planOnce(registry, await toolsOf(options), {
        ...defined({ prune: options.prune, adopt: options.adopt }),
        signal: options.signal,
      }));
    const go = (await options.review?.(plan)) ?? hasChanges(plan);
    if (!go) return { plan, result: undefined };
    const result = await applyPlan(plan, registry, {
      ...defined({
        allowReplace: options.allowReplace,
        concurrency: options.concurrency,
        onChange: options.onChange,
        onNotice: options.onNotice,
        onProgress: options.onProgress,
        signal: options.signal,
        settleTimeoutMs: options.settleTimeoutMs,
        deleteWaitMs: options.deleteWaitMs,
        beforeRemovals: options.beforeRemovals,
        clock: options.clock,
      }),
    });
    return { plan, result };
  });
}
