/**
 * A small scripted AI Studio for the bindings tests, speaking BINDINGS-WIRE.md: guides and
 * agents with versions, publish jobs that answer InProgress `pollsBeforeDone` times and then end,
 * dependency tracking fed from the versions and seeded flows. Served through startScriptServer.
 */
import { randomUUID } from 'node:crypto';
import { createGenesysClient } from '../../../src/genesys/index.js';
import type { GenesysClient } from '../../../src/genesys/index.js';
import { countingFetch, drive } from '../../genesys/support/drive.js';
import { startScriptServer } from '../../genesys/support/script-server.js';
import type {
  ReceivedCall,
  ScriptServer,
  ScriptedAnswer,
} from '../../genesys/support/script-server.js';
import { fakeClock } from '../../support/fake-clock.js';
import type { FakeClock } from '../../support/fake-clock.js';

type Json = Record<string, unknown>;

interface Versioned {
  readonly id: string;
  readonly name: string;
  readonly versions: Json[];
  published: string | undefined;
}

interface Job {
  readonly id: string;
  readonly owner: Versioned;
  readonly versionId: string;
  readonly kind: 'guide' | 'agent';
  polls: number;
  status: string;
  errors: Json[];
}

export interface FakeStudio {
  readonly server: ScriptServer;
  readonly client: GenesysClient;
  readonly clock: FakeClock;
  /** Settles work that polls a job, advancing the fake clock while it sleeps. */
  run: <T>(work: Promise<T>) => Promise<T>;
  /** InProgress answers of a job GET before it ends (default 1). */
  pollsBeforeDone: number;
  /** When set, the next job ends Failed with this error body. */
  failNextJob: Json | undefined;
  addGuide(name: string, published?: Json): string;
  addAgent(name: string, definition?: Json): string;
  addFlow(name: string, actionIds: readonly string[]): void;
  publishedGuide(id: string): Json | undefined;
  publishedAgent(id: string): Json | undefined;
  versionCount(id: string): number;
  /** API calls other than reads: POST/PATCH/PUT/DELETE. */
  writes(): ReceivedCall[];
}

const listing = (entities: readonly unknown[]): ScriptedAnswer => ({
  status: 200,
  body: { entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 },
});
const notFound: ScriptedAnswer = {
  status: 404,
  body: { message: 'not found', code: 'not.found', status: 404 },
};

function parse(body: string): Json {
  if (body === '') return {};
  const value: unknown = JSON.parse(body);
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

export async function startFakeStudio(): Promise<FakeStudio> {
  const guides = new Map<string, Versioned>();
  const agents = new Map<string, Versioned>();
  const flows: { id: string; name: string; ids: readonly string[] }[] = [];
  const jobs = new Map<string, Job>();
  const state = { pollsBeforeDone: 1, failNextJob: undefined as Json | undefined };

  const ref = (v: Json | undefined): Json | undefined =>
    v === undefined
      ? undefined
      : { id: v['id'], version: v['version'], status: v['state'] ?? v['status'] };
  const version = (o: Versioned, id: string | undefined): Json | undefined =>
    o.versions.find((v) => v['id'] === id);
  const guideBody = (g: Versioned): Json => ({
    id: g.id,
    name: g.name,
    status: g.published === undefined ? 'Draft' : 'Published',
    latestSavedVersion: ref(g.versions.at(-1)),
    latestProductionReadyVersion: ref(version(g, g.published)),
  });
  const agentBody = (a: Versioned): Json => ({
    id: a.id,
    name: a.name,
    latestVersion: ref(a.versions.at(-1)),
    publishedVersion: ref(version(a, a.published)),
  });
  const actionIdsOf = (kind: 'guide' | 'agent', v: Json): string[] => {
    if (kind === 'guide') {
      const resources = v['resources'] as { dataActions?: { id: string }[] } | undefined;
      return (resources?.dataActions ?? []).map((d) => d.id);
    }
    const def = v['definition'] as
      { tools?: { type: string; target?: { id?: string } }[] } | undefined;
    return (def?.tools ?? []).flatMap((t) =>
      t.type === 'DataAction' && t.target?.id ? [t.target.id] : [],
    );
  };

  const handle = (call: ReceivedCall): ScriptedAnswer => {
    const url = new URL(call.url, 'http://x');
    const p = call.path;
    const body = parse(call.body);
    let m: RegExpMatchArray | null;
    if ((m = /^\/api\/v2\/(guides|agentic\/virtualagents)$/.exec(p)) && call.method === 'GET') {
      const store = m[1] === 'guides' ? guides : agents;
      const name = url.searchParams.get('name');
      const all = [...store.values()].filter((o) => name === null || o.name === name);
      return listing(all.map((o) => (store === guides ? guideBody(o) : agentBody(o))));
    }
    if ((m = /^\/api\/v2\/(guides|agentic\/virtualagents)\/([^/]+)(.*)$/.exec(p))) {
      const kind = m[1] === 'guides' ? 'guide' : 'agent';
      const owner = (kind === 'guide' ? guides : agents).get(m[2] ?? '');
      if (owner === undefined) return notFound;
      const rest = m[3] ?? '';
      if (rest === '' && call.method === 'GET') {
        return { status: 200, body: kind === 'guide' ? guideBody(owner) : agentBody(owner) };
      }
      if (rest === '/versions' && call.method === 'POST') {
        const v: Json = {
          ...body,
          id: randomUUID(),
          version: String(owner.versions.length + 1),
          [kind === 'guide' ? 'state' : 'status']: 'Draft',
        };
        owner.versions.push(v);
        return { status: 200, body: v };
      }
      const vm = /^\/versions\/([^/]+)(\/jobs(?:\/([^/]+))?)?$/.exec(rest);
      const v = version(owner, vm?.[1]);
      if (vm === null || v === undefined) return notFound;
      if (vm[2] === undefined && call.method === 'GET') return { status: 200, body: v };
      if (vm[3] === undefined && call.method === 'POST') {
        const job: Job = {
          id: randomUUID(),
          owner,
          versionId: String(v['id']),
          kind,
          polls: 0,
          status: 'InProgress',
          errors: [],
        };
        jobs.set(job.id, job);
        return { status: 202, body: { id: job.id, status: job.status, errors: [] } };
      }
      const job = jobs.get(vm[3] ?? '');
      if (job === undefined) return notFound;
      if (job.status === 'InProgress' && job.polls++ >= state.pollsBeforeDone) {
        if (state.failNextJob !== undefined) {
          job.status = 'Failed';
          job.errors = [state.failNextJob];
          state.failNextJob = undefined;
        } else {
          job.status = 'Succeeded';
          owner.published = job.versionId;
          const published = version(owner, job.versionId);
          if (published !== undefined)
            published[kind === 'guide' ? 'state' : 'status'] = 'ProductionReady';
        }
      }
      return { status: 200, body: { id: job.id, status: job.status, errors: job.errors } };
    }
    if (p === '/api/v2/architect/dependencytracking/consumingresources') {
      const id = url.searchParams.get('id') ?? '';
      const entries: Json[] = [];
      for (const [kind, store] of [
        ['guide', guides],
        ['agent', agents],
      ] as const) {
        for (const o of store.values()) {
          for (const v of o.versions) {
            if (actionIdsOf(kind, v).includes(id)) {
              entries.push({
                id: o.id,
                name: o.name,
                type: kind === 'guide' ? 'GUIDE' : 'VIRTUALAGENT',
                version: v['version'],
              });
            }
          }
        }
      }
      for (const f of flows)
        if (f.ids.includes(id)) entries.push({ id: f.id, name: f.name, type: 'INBOUNDCALLFLOW' });
      return listing(entries);
    }
    return notFound;
  };

  const server = await startScriptServer(handle);
  const clock = fakeClock();
  const counting = countingFetch();
  const client = createGenesysClient(
    { apiUrl: server.url, clientId: 'c', clientSecret: 's', requestTimeoutMs: 600_000 },
    { clock, fetch: counting.fetch, random: () => 0.5 },
  );
  const add = (store: Map<string, Versioned>, name: string, first?: Json): string => {
    const o: Versioned = { id: randomUUID(), name, versions: [], published: undefined };
    if (first !== undefined) {
      const v = { ...first, id: randomUUID(), version: '1' };
      o.versions.push(v);
      o.published = v.id;
    }
    store.set(o.id, o);
    return o.id;
  };
  const studio: FakeStudio = {
    server,
    client,
    clock,
    run: (work) => drive(work, clock, { inFlight: counting.inFlight }),
    get pollsBeforeDone() {
      return state.pollsBeforeDone;
    },
    set pollsBeforeDone(n) {
      state.pollsBeforeDone = n;
    },
    get failNextJob() {
      return state.failNextJob;
    },
    set failNextJob(body) {
      state.failNextJob = body;
    },
    addGuide: (name, published) =>
      add(
        guides,
        name,
        published === undefined ? undefined : { ...published, state: 'ProductionReady' },
      ),
    addAgent: (name, definition) =>
      add(
        agents,
        name,
        definition === undefined ? undefined : { definition, status: 'ProductionReady' },
      ),
    addFlow: (name, ids) => {
      flows.push({ id: randomUUID(), name, ids });
    },
    publishedGuide: (id) => {
      const g = guides.get(id);
      return g === undefined ? undefined : version(g, g.published);
    },
    publishedAgent: (id) => {
      const a = agents.get(id);
      return a === undefined ? undefined : version(a, a.published);
    },
    versionCount: (id) => (guides.get(id) ?? agents.get(id))?.versions.length ?? 0,
    writes: () => server.apiCalls().filter((c) => c.method !== 'GET'),
  };
  return studio;
}
