/**
 * Reads the configured guides and agents from the org: by `id` when pinned, else by exact name
 * (names are not unique, BINDINGS-WIRE.md), with their published and latest versions. This
 * project never creates or deletes a guide or an agent (issue 13): a missing one is an error.
 */
import { BindingError, isGenesysToolsError } from '../errors.js';
import type { GenesysClient, GuideWire, VirtualAgentWire } from '../genesys/index.js';
import type {
  DesiredBindings,
  RemoteAgent,
  RemoteBindings,
  RemoteGuide,
  TargetRef,
} from './types.js';

/** The parts of the client the bindings room reads and writes. */
export type BindingsClient = Pick<GenesysClient, 'guides' | 'agents' | 'dependencies'>;

type Found<T> =
  | { readonly kind: 'found'; readonly entity: T }
  | { readonly kind: 'problem'; readonly message: string; readonly ambiguous: boolean };

function describe(kind: 'guide' | 'agent', ref: TargetRef): string {
  return ref.id === undefined ? `${kind} "${ref.name ?? ''}"` : `${kind} id ${ref.id}`;
}

async function findOne<T extends { readonly id: string; readonly name: string }>(
  kind: 'guide' | 'agent',
  ref: TargetRef,
  byId: (id: string) => Promise<T>,
  byName: (name: string) => Promise<T[]>,
): Promise<Found<T>> {
  if (ref.id !== undefined) {
    try {
      return { kind: 'found', entity: await byId(ref.id) };
    } catch (error) {
      if (isGenesysToolsError(error) && error.code === 'GENESYS_NOT_FOUND') {
        return {
          kind: 'problem',
          message: `${describe(kind, ref)} does not exist`,
          ambiguous: false,
        };
      }
      throw error;
    }
  }
  const matches = await byName(ref.name ?? '');
  const [first, second] = matches;
  if (first === undefined) {
    return { kind: 'problem', message: `no ${describe(kind, ref)}`, ambiguous: false };
  }
  if (second !== undefined) {
    const ids = matches.map((m) => m.id).join(', ');
    return {
      kind: 'problem',
      message: `${String(matches.length)} ${kind}s are named "${ref.name ?? ''}" (ids ${ids}); pin one with id:`,
      ambiguous: true,
    };
  }
  return { kind: 'found', entity: first };
}

async function readGuide(
  client: BindingsClient,
  g: GuideWire,
  signal?: AbortSignal,
): Promise<RemoteGuide> {
  const options = signal === undefined ? {} : { signal };
  const publishedId = g.latestProductionReadyVersion?.id;
  const latestId = g.latestSavedVersion?.id;
  const published =
    publishedId === undefined
      ? undefined
      : await client.guides.getVersion(g.id, publishedId, options);
  const latest =
    latestId === undefined
      ? undefined
      : latestId === publishedId
        ? published
        : await client.guides.getVersion(g.id, latestId, options);
  return { kind: 'guide', id: g.id, name: g.name, published, latest };
}

async function readAgent(
  client: BindingsClient,
  a: VirtualAgentWire,
  signal?: AbortSignal,
): Promise<RemoteAgent> {
  const options = signal === undefined ? {} : { signal };
  const publishedId = a.publishedVersion?.id;
  const latestId = a.latestVersion?.id;
  const published =
    publishedId === undefined
      ? undefined
      : await client.agents.getVersion(a.id, publishedId, options);
  const latest =
    latestId === undefined
      ? undefined
      : latestId === publishedId
        ? published
        : await client.agents.getVersion(a.id, latestId, options);
  return { kind: 'agent', id: a.id, name: a.name, published, latest };
}

/**
 * Reads every configured guide and agent, index for index with `desired`.
 * @throws BindingError BINDING_TARGET_NOT_FOUND (one or more missing; all are named),
 *   BINDING_TARGET_AMBIGUOUS (a name matches several; their ids are listed); GenesysApiError.
 */
export async function readRemoteBindings(
  client: BindingsClient,
  desired: DesiredBindings,
  signal?: AbortSignal,
): Promise<RemoteBindings> {
  const options = signal === undefined ? {} : { signal };
  const problems: { message: string; ambiguous: boolean }[] = [];
  const guides: RemoteGuide[] = [];
  for (const d of desired.guides) {
    const found = await findOne(
      'guide',
      d.ref,
      (id) => client.guides.get(id, options),
      (name) => client.guides.findByName(name, options),
    );
    if (found.kind === 'problem') problems.push(found);
    else guides.push(await readGuide(client, found.entity, signal));
  }
  const agents: RemoteAgent[] = [];
  for (const d of desired.agents) {
    const found = await findOne(
      'agent',
      d.ref,
      (id) => client.agents.get(id, options),
      (name) => client.agents.findByName(name, options),
    );
    if (found.kind === 'problem') problems.push(found);
    else agents.push(await readAgent(client, found.entity, signal));
  }
  if (problems.length > 0) {
    const ambiguous = problems.every((p) => p.ambiguous);
    throw new BindingError(
      ambiguous ? 'BINDING_TARGET_AMBIGUOUS' : 'BINDING_TARGET_NOT_FOUND',
      `${problems.map((p) => p.message).join('; ')}. ${
        ambiguous
          ? 'Pin the guide or agent to use with id: in the config file.'
          : 'Create it in AI Studio, or name the right one (name: or id: in the config file); genesys-tools does not create guides or agents.'
      }`,
      { details: { problems: problems.map((p) => p.message) } },
    );
  }
  return { guides, agents };
}
