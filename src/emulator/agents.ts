/**
 * Agentic virtual agents (reference §6.2, §10.4; wire in BINDINGS-WIRE.md): agents, their
 * versions (only drafts change) and publish jobs that settle when polled (publish-jobs.ts).
 * A version's `definition` is kept as given; only `DataAction` tools and `DataActionHttpError`
 * types are checked, every other tool and type passes through untouched.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentRecord, AgentVersionRecord, PublishJobRecord } from './binding-state.js';
import type { EmulatorContext } from './context.js';
import type { JobTarget } from './publish-jobs.js';
import { findJob, isoTime, jobStatusWire, pollJob, startJob, textParam } from './publish-jobs.js';
import { badRequest, notFound, pageOf, parseBody, readPageQuery } from './wire.js';

const DataActionToolSchema = z.looseObject({
  type: z.literal('DataAction'),
  name: z.string().min(1),
  description: z.string(),
  target: z.looseObject({ id: z.string().min(1) }),
  errors: z
    .array(z.strictObject({ type: z.string().min(1), instruction: z.string().optional() }))
    .optional(),
});

const HttpErrorTypeSchema = z.looseObject({
  name: z.string().min(1),
  type: z.literal('DataActionHttpError'),
  statusCodes: z.array(z.number().int().min(100).max(599)).min(1),
  defaultInstruction: z.string().optional(),
  description: z.string().optional(),
});

// Checks `schema` only on entries whose `type` is `kind`; issues keep the entry's path.
function checkedWhen(
  base: z.ZodObject,
  kind: string,
  schema: z.ZodType,
): z.ZodType<Record<string, unknown>> {
  return base.superRefine((entry, refine) => {
    if (entry['type'] !== kind) return;
    const parsed = schema.safeParse(entry);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      refine.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });
}

const ToolSchema = checkedWhen(
  z.looseObject({ type: z.string().min(1) }),
  'DataAction',
  DataActionToolSchema,
);
const TypeSchema = checkedWhen(
  z.looseObject({ name: z.string().min(1), type: z.string().optional() }),
  'DataActionHttpError',
  HttpErrorTypeSchema,
);

/** A version's `definition` (reference §6.2); keys not named here are kept as given. */
const DefinitionSchema = z
  .looseObject({
    role: z.string().optional(),
    instructions: z.array(z.string()).optional(),
    tools: z.array(ToolSchema).optional(),
    types: z.array(TypeSchema).optional(),
  })
  .superRefine((definition, refine) => {
    // A tool's errors[].type names a DataActionHttpError type of the same definition.
    const declared = new Set(
      (definition.types ?? []).flatMap((t) =>
        t['type'] === 'DataActionHttpError' && typeof t['name'] === 'string' ? [t['name']] : [],
      ),
    );
    (definition.tools ?? []).forEach((tool, i) => {
      const parsed = DataActionToolSchema.safeParse(tool);
      if (!parsed.success) return;
      (parsed.data.errors ?? []).forEach((error, j) => {
        if (declared.has(error.type)) return;
        refine.addIssue({
          code: 'custom',
          path: ['tools', i, 'errors', j, 'type'],
          message: `"${error.type}" names no DataActionHttpError type in definition.types`,
        });
      });
    });
  });

const CreateAgentSchema = z.strictObject({
  name: z.string().min(1).max(256),
  imageUri: z.string().min(1).optional(),
});
const CreateVersionSchema = z.strictObject({ definition: DefinitionSchema.optional() });
const PatchVersionSchema = z.strictObject({ definition: DefinitionSchema });
const PublishAgentSchema = z.strictObject({
  virtualAgentVersion: z.strictObject({ status: z.literal('ProductionReady') }),
});

const ToolTargetSchema = z.looseObject({
  type: z.literal('DataAction'),
  target: z.looseObject({ id: z.string() }),
});

/** The data action ids a definition's `DataAction` tools target, in order. Pure. */
export function agentActionIds(definition: Readonly<Record<string, unknown>>): readonly string[] {
  const tools = definition['tools'];
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool: unknown) => {
    const parsed = ToolTargetSchema.safeParse(tool);
    return parsed.success ? [parsed.data.target.id] : [];
  });
}

/** Creates an agent with no version (POST /agentic/virtualagents and the seed option). */
export function createAgent(
  ctx: EmulatorContext,
  input: { readonly name: string; readonly imageUri?: string | undefined },
): AgentRecord {
  const nowMs = ctx.deps.clock.nowMs();
  const agent: AgentRecord = {
    id: ctx.newId(),
    name: input.name,
    ...(input.imageUri === undefined ? {} : { imageUri: input.imageUri }),
    dateCreatedMs: nowMs,
    dateModifiedMs: nowMs,
  };
  ctx.store.state.agents.set(agent.id, agent);
  ctx.store.save();
  return agent;
}

/** Creates the `seedAgents` of the options, skipping names an agent already has (restarts). */
export function seedAgents(ctx: EmulatorContext): void {
  const names = new Set([...ctx.store.state.agents.values()].map((a) => a.name));
  for (const name of ctx.options.seedAgents) {
    if (!names.has(name)) createAgent(ctx, { name });
    names.add(name);
  }
}

const BASE = '/api/v2/agentic/virtualagents';
const versionUri = (v: AgentVersionRecord): string =>
  `${BASE}/${v.virtualAgentId}/versions/${v.id}`;
const versionName = (v: AgentVersionRecord): string => `${String(v.version)}.0`;

function agentWire(ctx: EmulatorContext, agent: AgentRecord): Record<string, unknown> {
  const ref = (key: string, id: string | undefined): Record<string, unknown> => {
    const v = id === undefined ? undefined : ctx.store.state.agentVersions.get(id);
    return v === undefined
      ? {}
      : { [key]: { id: v.id, version: versionName(v), status: v.status } };
  };
  return {
    id: agent.id,
    name: agent.name,
    ...(agent.imageUri === undefined ? {} : { imageUri: agent.imageUri }),
    status: agent.publishedVersionId === undefined ? 'Draft' : 'Published',
    dateCreated: isoTime(agent.dateCreatedMs),
    dateModified: isoTime(agent.dateModifiedMs),
    ...ref('latestVersion', agent.latestVersionId),
    ...ref('publishedVersion', agent.publishedVersionId),
    selfUri: `${BASE}/${agent.id}`,
  };
}

function versionWire(v: AgentVersionRecord): Record<string, unknown> {
  return {
    id: v.id,
    virtualAgent: { id: v.virtualAgentId, selfUri: `${BASE}/${v.virtualAgentId}` },
    version: versionName(v),
    status: v.status,
    definition: v.definition,
    dateCreated: isoTime(v.dateCreatedMs),
    dateModified: isoTime(v.dateModifiedMs),
    selfUri: versionUri(v),
  };
}

function jobWire(job: PublishJobRecord, v: AgentVersionRecord): Record<string, unknown> {
  return {
    id: job.id,
    virtualAgentId: v.virtualAgentId,
    ...jobStatusWire(job),
    virtualAgentVersion: { id: v.id, version: versionName(v), selfUri: versionUri(v) },
    selfUri: `${versionUri(v)}/jobs/${job.id}`,
  };
}

type AgentParams = { Params: { id: string } };
type VersionParams = { Params: { id: string; versionId: string } };
type JobParams = { Params: { id: string; versionId: string; jobId: string } };
type ListQuery = { Querystring: Readonly<Record<string, unknown>> };

/** Registers the agentic virtual agent routes. */
export function registerAgentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { agents, agentVersions } = ctx.store.state;
  const now = (): number => ctx.deps.clock.nowMs();
  const getAgent = (id: string): AgentRecord => {
    const agent = agents.get(id);
    if (agent === undefined) throw notFound('Virtual agent', id);
    return agent;
  };
  const getVersion = (agentId: string, versionId: string): AgentVersionRecord => {
    getAgent(agentId);
    const v = agentVersions.get(versionId);
    if (v?.virtualAgentId !== agentId) throw notFound('Virtual agent version', versionId);
    return v;
  };
  const touch = (agent: AgentRecord, change: Partial<AgentRecord>): void => {
    agents.set(agent.id, { ...agent, ...change, dateModifiedMs: now() });
  };

  app.get<ListQuery>(BASE, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgent:view');
    const page = readPageQuery(request.query, 100);
    const name = textParam(request.query, 'name');
    const items = [...agents.values()].filter((a) => name === undefined || a.name === name);
    const wire = items.map((a) => agentWire(ctx, a));
    return pageOf(wire, page, BASE, name === undefined ? {} : { name });
  });

  app.post(BASE, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgent:add');
    return agentWire(ctx, createAgent(ctx, parseBody(CreateAgentSchema, request.body, 'agent')));
  });

  app.get<AgentParams>(`${BASE}/:id`, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgent:view');
    return agentWire(ctx, getAgent(request.params.id));
  });

  app.post<AgentParams>(`${BASE}/:id/versions`, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgentVersion:add');
    const agent = getAgent(request.params.id);
    const body = parseBody(CreateVersionSchema, request.body ?? {}, 'virtual agent version');
    const latest =
      agent.latestVersionId === undefined ? undefined : agentVersions.get(agent.latestVersionId);
    const siblings = [...agentVersions.values()].filter((v) => v.virtualAgentId === agent.id);
    const nowMs = now();
    const version: AgentVersionRecord = {
      id: ctx.newId(),
      virtualAgentId: agent.id,
      version: 1 + Math.max(0, ...siblings.map((v) => v.version)),
      status: 'Draft',
      definition: body.definition ?? latest?.definition ?? {},
      dateCreatedMs: nowMs,
      dateModifiedMs: nowMs,
    };
    agentVersions.set(version.id, version);
    touch(agent, { latestVersionId: version.id });
    ctx.store.save();
    return versionWire(version);
  });

  app.get<VersionParams>(`${BASE}/:id/versions/:versionId`, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgentVersion:view');
    return versionWire(getVersion(request.params.id, request.params.versionId));
  });

  app.patch<VersionParams>(`${BASE}/:id/versions/:versionId`, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgentVersion:edit');
    const v = getVersion(request.params.id, request.params.versionId);
    if (v.status !== 'Draft') {
      throw badRequest(
        'Only a Draft version of a virtual agent can be changed; create a new version',
        [{ errorCode: 'VERSION_PUBLISHED', entityId: v.id }],
      );
    }
    const body = parseBody(PatchVersionSchema, request.body, 'virtual agent version update');
    const next: AgentVersionRecord = { ...v, definition: body.definition, dateModifiedMs: now() };
    agentVersions.set(v.id, next);
    ctx.store.save();
    return versionWire(next);
  });

  app.post<VersionParams>(`${BASE}/:id/versions/:versionId/jobs`, (request, reply) => {
    ctx.requirePermission(request, 'agentic:virtualAgentVersionJob:add');
    const v = getVersion(request.params.id, request.params.versionId);
    parseBody(PublishAgentSchema, request.body, 'virtual agent version publish job');
    const job = startJob(ctx, { kind: 'agent', virtualAgentId: v.virtualAgentId, versionId: v.id });
    return reply.code(202).send(jobWire(job, v));
  });

  app.get<JobParams>(`${BASE}/:id/versions/:versionId/jobs/:jobId`, (request) => {
    ctx.requirePermission(request, 'agentic:virtualAgentJob:view');
    const { id, versionId, jobId } = request.params;
    const v = getVersion(id, versionId);
    const isThis = (t: JobTarget): boolean =>
      t.kind === 'agent' && t.virtualAgentId === id && t.versionId === versionId;
    const job = findJob(ctx, jobId, isThis);
    if (job === undefined) throw notFound('Virtual agent version job', jobId);
    // The definition is checked as it is at this poll (an action deleted meanwhile fails it).
    const poll = {
      actionIds: agentActionIds(v.definition),
      contextId: ctx.info(request).correlationId,
    };
    const next = pollJob(ctx, job, poll, () => {
      agentVersions.set(v.id, { ...v, status: 'ProductionReady', dateModifiedMs: now() });
      touch(getAgent(id), { publishedVersionId: v.id });
    });
    return jobWire(next, v);
  });
}
