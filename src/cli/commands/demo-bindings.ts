/**
 * The guide and agent part of `genesys-tools demo` (issue 13 item 6): apply the example config's
 * bindings with the actions, print each binding with its ids, then change a contract (in a copy
 * of the definition, in memory), replace the action and show the guide and agent re-pointed to
 * the new id and the old action gone.
 */
import type { EnvConfig, FileConfig } from '../../config.js';
import type { ToolDefinition } from '../../definition/index.js';
import { GenesysNotFoundError, SyncError } from '../../errors.js';
import type { GenesysClient } from '../../genesys/index.js';
import { systemClock } from '../../deps.js';
import type { Registry } from '../../registry/index.js';
import type { ApplyResult, ChangeEvent } from '../../sync/index.js';
import { renderPlan } from '../../sync/index.js';
import { syncTools } from '../../sync-tools.js';
import type { CliContext } from '../context.js';
import { progressSink } from '../progress.js';
import { bindingsHook, planBindingsStage, renderBindingsStage } from './bindings-stage.js';
import type { SyncSession } from './sync-common.js';

/** What the demo's sync steps need. */
export interface DemoSync {
  readonly ctx: CliContext;
  readonly env: EnvConfig;
  readonly client: GenesysClient;
  readonly registry: Registry;
  readonly file: FileConfig;
  readonly say: (line: string) => void;
  /** Records each change in the audit log (and prints it). */
  readonly onChange: (e: ChangeEvent) => Promise<void>;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

/**
 * Plans the actions and the bindings of `tools`, prints both, applies them: the library's
 * `syncTools`, as `apply` runs it.
 */
export async function planAndApply(
  demo: DemoSync,
  tools: readonly ToolDefinition[],
  allowReplace: boolean,
): Promise<ApplyResult> {
  const { registry } = demo;
  const session: SyncSession = {
    env: demo.env,
    target: 'data-actions',
    client: demo.client,
    registry,
    file: demo.file,
  };
  const sink = progressSink(demo.ctx, false);
  let hook: ((ids: ReadonlyMap<string, string>) => Promise<void>) | undefined;
  let result: ApplyResult | undefined;
  try {
    ({ result } = await syncTools({
      registry,
      tools,
      allowReplace,
      onChange: async (e) => {
        sink.clear();
        await demo.onChange(e);
      },
      onProgress: sink.onProgress,
      review: async (plan) => {
        const stage = await planBindingsStage(demo.ctx, session, tools, plan);
        sink.clear();
        demo.say(
          indent(`${renderPlan(plan)}${stage === undefined ? '' : renderBindingsStage(stage)}`),
        );
        hook =
          stage === undefined
            ? undefined
            : bindingsHook(demo.ctx, session, stage, plan, {
                json: false,
                sink,
                clock: systemClock,
              });
        // The demo applies even an empty plan: its result lists the ids to print.
        return true;
      },
      beforeRemovals: async (ids) => {
        await hook?.(ids);
      },
    }));
  } finally {
    sink.finish();
  }
  if (result === undefined || result.failed > 0) {
    throw new SyncError('SYNC_APPLY_FAILED', `demo: ${result?.failed ?? 0} change(s) failed`);
  }
  return result;
}

/** Prints the published guide and agent versions with the action ids they name. */
export async function printBindings(demo: DemoSync, ids: ReadonlyMap<string, string>) {
  const { client, say } = demo;
  const nameOf = new Map([...ids].map(([name, id]) => [id, name]));
  const named = (id: string): string => `${nameOf.get(id) ?? '(not ours)'} -> ${id}`;
  for (const g of demo.file.guides) {
    const [guide] = g.id === undefined ? await client.guides.findByName(g.name ?? '') : [];
    const found = guide ?? (g.id === undefined ? undefined : await client.guides.get(g.id));
    const versionId = found?.latestProductionReadyVersion?.id;
    if (found === undefined || versionId == null) continue;
    const version = await client.guides.getVersion(found.id, versionId);
    const actions = version.resources?.dataActions ?? [];
    say(
      `   guide "${found.name ?? found.id}" (published version ${version.version ?? '?'}): ${actions
        .map((a) => `{{Action.${a.label ?? '?'}}} ${named(a.id)}`)
        .join(', ')}`,
    );
  }
  for (const a of demo.file.agents) {
    const [agent] = a.id === undefined ? await client.agents.findByName(a.name ?? '') : [];
    const found = agent ?? (a.id === undefined ? undefined : await client.agents.get(a.id));
    const versionId = found?.publishedVersion?.id;
    if (found === undefined || versionId == null) continue;
    const version = await client.agents.getVersion(found.id, versionId);
    const targets = (version.definition?.tools ?? [])
      .filter((t) => t.type === 'DataAction')
      .map((t) => named(t.target?.id ?? ''));
    say(
      `   agent "${found.name ?? found.id}" (published version ${version.version ?? '?'}): ${targets.join(', ')}`,
    );
  }
}

/** `tool` with its first required string input given a minimum length: a contract change. */
export function withContractChange(tool: ToolDefinition): ToolDefinition {
  const properties = tool.inputSchema.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    return tool;
  }
  const changed: Record<string, unknown> = { ...properties };
  const sku: unknown = changed.sku;
  if (typeof sku === 'object' && sku !== null) changed.sku = { ...sku, minLength: 3 };
  return { ...tool, inputSchema: { ...tool.inputSchema, properties: changed } };
}

/** True when the action reads as gone. */
export async function isGone(client: GenesysClient, id: string): Promise<boolean> {
  try {
    await client.dataActions.get(id);
    return false;
  } catch (error) {
    if (error instanceof GenesysNotFoundError) return true;
    throw error;
  }
}
