/**
 * The content of the next guide or agent version (pure): the published version's content (else
 * the latest), with the owned data action entries rebuilt from the config and everything else
 * kept as it is (BINDINGS-WIRE.md; reference §6.1, §6.2).
 */
import { BindingError } from '../errors.js';
import type {
  AgentDefinitionWire,
  AgentToolWire,
  AgentTypeWire,
  GuideDataActionWire,
  GuideVersionWire,
  UpdateGuideVersionWire,
  VirtualAgentVersionWire,
} from '../genesys/index.js';
import { ownedIds, refOf } from './match.js';
import type {
  DesiredAgent,
  DesiredAgentError,
  DesiredGuide,
  RemoteAgent,
  RemoteGuide,
  ToolRefs,
} from './types.js';

/** The type of an agent tool that is a data action. */
export const DATA_ACTION_TOOL = 'DataAction';
/** The agent type that maps a data action's HTTP error statuses to an instruction. */
export const HTTP_ERROR_TYPE = 'DataActionHttpError';

// Fields the server sets on a version; the rest of a version is its content.
const GUIDE_VERSION_META = new Set([
  'id',
  'guide',
  'version',
  'state',
  'dateCreated',
  'dateModified',
  'selfUri',
]);

/** The data action entries of a guide version. */
export function guideEntries(
  version: GuideVersionWire | undefined,
): readonly GuideDataActionWire[] {
  return version?.resources?.dataActions ?? [];
}

/** The tools of an agent version's definition. */
export function agentTools(version: VirtualAgentVersionWire | undefined): readonly AgentToolWire[] {
  return version?.definition?.tools ?? [];
}

/** The action id an agent tool points at, when it is a data action tool. */
export function dataActionId(tool: AgentToolWire): string | undefined {
  return tool.type === DATA_ACTION_TOOL ? tool.target?.id : undefined;
}

function concreteId(refs: ToolRefs, tool: string, where: string): string {
  const id = refOf(refs, tool).id;
  if (id === undefined) {
    throw new BindingError(
      'BINDING_PUBLISH_FAILED',
      `${where}: tool "${tool}" has no data action id yet; apply the actions before the bindings`,
      { details: { tool } },
    );
  }
  return id;
}

/** The body of the next guide version, with concrete action ids. @throws BindingError BINDING_PUBLISH_FAILED when a tool has no id */
export function guideVersionBody(
  desired: DesiredGuide,
  remote: RemoteGuide,
  refs: ToolRefs,
  managedIds: ReadonlySet<string>,
): UpdateGuideVersionWire {
  const base = remote.published ?? remote.latest;
  const owned = ownedIds(refs, managedIds);
  const content = Object.fromEntries(
    Object.entries(base ?? {}).filter(([key]) => !GUIDE_VERSION_META.has(key)),
  );
  const kept = guideEntries(base).filter((e) => !owned.has(e.id));
  const dataActions = [
    ...kept,
    ...desired.tools.map((t) => ({
      id: concreteId(refs, t.tool, `guide "${remote.name}"`),
      label: t.label,
      description: t.description,
    })),
  ];
  return {
    ...content,
    ...(desired.instruction === undefined ? {} : { instruction: desired.instruction }),
    resources: { ...(base?.resources ?? {}), dataActions },
  };
}

/** The name of the error type of a tool's declared error. */
export function errorTypeName(tool: string, statusCodes: readonly number[]): string {
  return `${tool}_http_${statusCodes.join('_')}`;
}

/** The declared errors of a remote agent tool, read through the definition's types. */
export function remoteErrors(
  tool: AgentToolWire,
  types: readonly AgentTypeWire[],
): DesiredAgentError[] {
  return (tool.errors ?? []).map((e) => {
    const type = types.find((t) => t.name === e.type);
    return {
      statusCodes: [...(type?.statusCodes ?? [])],
      instruction: e.instruction ?? type?.defaultInstruction ?? '',
    };
  });
}

/** A canonical text of declared errors, for comparison. */
export function errorsKey(errors: readonly DesiredAgentError[]): string {
  return JSON.stringify(
    errors
      .map((e) => ({
        statusCodes: [...e.statusCodes].sort((a, b) => a - b),
        instruction: e.instruction,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
}

/**
 * The definition of the next agent version: owned DataAction tools rebuilt, other tools kept, and
 * one `DataActionHttpError` type per declared error (the owned tools' old error types dropped
 * unless a kept tool still uses them).
 * @throws BindingError BINDING_PUBLISH_FAILED when a tool has no id
 */
export function agentDefinition(
  desired: DesiredAgent,
  remote: RemoteAgent,
  refs: ToolRefs,
  managedIds: ReadonlySet<string>,
): AgentDefinitionWire {
  const base = (remote.published ?? remote.latest)?.definition ?? {};
  const owned = ownedIds(refs, managedIds);
  const isOwned = (t: AgentToolWire): boolean => {
    const id = dataActionId(t);
    return id !== undefined && owned.has(id);
  };
  const tools = base.tools ?? [];
  const keptTools = tools.filter((t) => !isOwned(t));
  const stillUsed = new Set(keptTools.flatMap((t) => (t.errors ?? []).map((e) => e.type)));
  const dropped = new Set(
    tools.filter(isOwned).flatMap((t) => (t.errors ?? []).map((e) => e.type)),
  );
  const newTypes: AgentTypeWire[] = desired.tools.flatMap((t) =>
    t.errors.map((e) => ({
      name: errorTypeName(t.tool, e.statusCodes),
      type: HTTP_ERROR_TYPE,
      statusCodes: [...e.statusCodes],
      defaultInstruction: e.instruction,
    })),
  );
  const newNames = new Set(newTypes.map((t) => t.name));
  const keptTypes = (base.types ?? []).filter(
    (t) => !newNames.has(t.name) && (!dropped.has(t.name) || stillUsed.has(t.name)),
  );
  const newTools: AgentToolWire[] = desired.tools.map((t) => ({
    type: DATA_ACTION_TOOL,
    name: t.tool,
    description: t.description,
    target: { id: concreteId(refs, t.tool, `agent "${remote.name}"`) },
    ...(t.errors.length === 0
      ? {}
      : { errors: t.errors.map((e) => ({ type: errorTypeName(t.tool, e.statusCodes) })) }),
  }));
  const types = [...keptTypes, ...newTypes];
  return {
    ...base,
    tools: [...keptTools, ...newTools],
    ...(types.length === 0 && base.types === undefined ? {} : { types }),
  };
}
