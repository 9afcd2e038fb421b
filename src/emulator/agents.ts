/**
 * Agentic virtual agents (reference §6.2, §10.4; wire in BINDINGS-WIRE.md): agents, their
 * versions (only drafts change; definitions checked by agent-definition.ts) and publish jobs
 * that settle when polled (publish-jobs.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentRecord, AgentVersionRecord, PublishJobRecord } from './binding-state.js';
import { agentActionIds, DefinitionSchema } from './agent-definition.js';
import type { EmulatorContext } from './context.js';
import type { JobTarget } from './publish-jobs.js';
import { findJob, isoTime, jobStatusWire, pollJob, startJob, textParam } from './publish-jobs.js';
import { badRequest, notFound, pageOf, parseBody, readPageQuery } from './wire.js';

const CreateAgentSchema = z.strictObject({
  name: z.string().min(1).max(256),
  imageUri: z.string().min(1).optional(),
});
const CreateVersionSchema = z.strictObject({ definition: DefinitionSchema.optional() });
const PatchVersionSchema = z.strictObject({ definition: DefinitionSchema });
const PublishAgentSchema = z.strictObject({
  virtualAgentVersion: z.strictObject({ status: z.literal('ProductionReady') }),
});

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
