/**
 * AI Studio guides (reference §6.1, §10.4; wire in BINDINGS-WIRE.md): guides, their versions
 * (published ones immutable) and publish jobs that settle when polled (publish-jobs.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GuideRecord, GuideVersionRecord } from './binding-state.js';
import { GuideDataActionSchema, GuideVariableSchema } from './binding-state.js';
import type { EmulatorContext } from './context.js';
import type { JobTarget } from './publish-jobs.js';
import { findJob, isoTime, jobStatusWire, pollJob, startJob, textParam } from './publish-jobs.js';
import type { PublishJobRecord } from './binding-state.js';
import { badRequest, notFound, pageOf, parseBody, readPageQuery } from './wire.js';

/** Most data actions one guide may use (reference §6.1). */
export const MAX_GUIDE_DATA_ACTIONS = 5;

const CreateGuideSchema = z.strictObject({
  name: z.string().min(1).max(256),
  source: z.enum(['Manual', 'Prompt', 'Document']).default('Manual'),
});

/** `UpdateGuideVersion` (reference §6.1): every field optional. */
const UpdateGuideVersionSchema = z.strictObject({
  instruction: z.string().optional(),
  variables: z.array(GuideVariableSchema).optional(),
  resources: z.strictObject({ dataActions: z.array(GuideDataActionSchema).optional() }).optional(),
});
type UpdateGuideVersion = z.output<typeof UpdateGuideVersionSchema>;

const PublishGuideSchema = z.strictObject({
  guideVersion: z.strictObject({ state: z.literal('ProductionReady') }),
});

type Content = Pick<GuideVersionRecord, 'instruction' | 'variables' | 'resources'>;
type GuideParams = { Params: { guideId: string } };
type VersionParams = { Params: { guideId: string; versionId: string } };
type JobParams = { Params: { guideId: string; versionId: string; jobId: string } };
type ListQuery = { Querystring: Readonly<Record<string, unknown>> };

const EMPTY: Content = { instruction: '', variables: [], resources: { dataActions: [] } };

/** The update applied over `base`: absent fields keep (or copy) the base's. Pure. */
export function mergeGuideContent(base: Content, update: UpdateGuideVersion): Content {
  return {
    instruction: update.instruction ?? base.instruction,
    variables: update.variables ?? base.variables,
    resources: { dataActions: update.resources?.dataActions ?? base.resources.dataActions },
  };
}

/**
 * Checks a version's content: at most 5 data actions, unique labels and variable names.
 * @throws ApiFailure 400 bad.request with a detail per problem.
 */
export function checkGuideContent(content: Content): void {
  const actions = content.resources.dataActions;
  if (actions.length > MAX_GUIDE_DATA_ACTIONS) {
    throw badRequest(
      `A guide version may use at most ${String(MAX_GUIDE_DATA_ACTIONS)} data actions; got ${String(actions.length)}.`,
      [{ errorCode: 'TOO_MANY_DATA_ACTIONS', fieldName: 'resources.dataActions' }],
    );
  }
  const repeated = (names: readonly string[], field: string, errorCode: string) =>
    names.flatMap((name, i) =>
      names.indexOf(name) === i ? [] : [{ errorCode, fieldName: `${field}.${String(i)}` }],
    );
  const details = [
    ...repeated(
      actions.map((a) => a.label),
      'resources.dataActions',
      'DUPLICATE_LABEL',
    ),
    ...repeated(
      content.variables.map((v) => v.name),
      'variables',
      'DUPLICATE_VARIABLE',
    ),
  ];
  if (details.length > 0) {
    throw badRequest('Data action labels and variable names must be unique in a version.', details);
  }
}

/** Creates a guide with no version (POST /guides and the seed option). */
export function createGuide(
  ctx: EmulatorContext,
  input: { readonly name: string; readonly source: GuideRecord['source'] },
): GuideRecord {
  const nowMs = ctx.deps.clock.nowMs();
  const guide: GuideRecord = {
    id: ctx.newId(),
    name: input.name,
    source: input.source,
    dateCreatedMs: nowMs,
    dateModifiedMs: nowMs,
  };
  ctx.store.state.guides.set(guide.id, guide);
  ctx.store.save();
  return guide;
}

/** Creates the `seedGuides` of the options, skipping names a guide already has (restarts). */
export function seedGuides(ctx: EmulatorContext): void {
  const names = new Set([...ctx.store.state.guides.values()].map((g) => g.name));
  for (const name of ctx.options.seedGuides) {
    if (!names.has(name)) createGuide(ctx, { name, source: 'Manual' });
    names.add(name);
  }
}

const guideUri = (id: string): string => `/api/v2/guides/${id}`;
const versionUri = (v: GuideVersionRecord): string => `${guideUri(v.guideId)}/versions/${v.id}`;

function guideWire(ctx: EmulatorContext, guide: GuideRecord): Record<string, unknown> {
  const ref = (key: string, id: string | undefined): Record<string, unknown> => {
    const v = id === undefined ? undefined : ctx.store.state.guideVersions.get(id);
    return v === undefined
      ? {}
      : { [key]: { id: v.id, version: String(v.version), selfUri: versionUri(v) } };
  };
  return {
    id: guide.id,
    name: guide.name,
    status: guide.latestProductionReadyVersionId === undefined ? 'Draft' : 'Published',
    source: guide.source,
    dateCreated: isoTime(guide.dateCreatedMs),
    dateModified: isoTime(guide.dateModifiedMs),
    ...ref('latestSavedVersion', guide.latestSavedVersionId),
    ...ref('latestProductionReadyVersion', guide.latestProductionReadyVersionId),
    selfUri: guideUri(guide.id),
  };
}

function versionWire(v: GuideVersionRecord): Record<string, unknown> {
  return {
    id: v.id,
    guide: { id: v.guideId, selfUri: guideUri(v.guideId) },
    version: String(v.version),
    state: v.state,
    instruction: v.instruction,
    variables: v.variables,
    resources: v.resources,
    dateCreated: isoTime(v.dateCreatedMs),
    dateModified: isoTime(v.dateModifiedMs),
    selfUri: versionUri(v),
  };
}

function jobWire(job: PublishJobRecord, v: GuideVersionRecord): Record<string, unknown> {
  return {
    id: job.id,
    guideId: v.guideId,
    ...jobStatusWire(job),
    guideVersion: { id: v.id, version: String(v.version), selfUri: versionUri(v) },
    selfUri: `${versionUri(v)}/jobs/${job.id}`,
  };
}

/** Registers the guide routes. */
export function registerGuideRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { guides, guideVersions } = ctx.store.state;
  const now = (): number => ctx.deps.clock.nowMs();
  const getGuide = (id: string): GuideRecord => {
    const guide = guides.get(id);
    if (guide === undefined) throw notFound('Guide', id);
    return guide;
  };
  const getVersion = (guideId: string, versionId: string): GuideVersionRecord => {
    getGuide(guideId);
    const v = guideVersions.get(versionId);
    if (v?.guideId !== guideId) throw notFound('Guide version', versionId);
    return v;
  };
  const touch = (guide: GuideRecord, change: Partial<GuideRecord>): void => {
    guides.set(guide.id, { ...guide, ...change, dateModifiedMs: now() });
  };

  app.get<ListQuery>('/api/v2/guides', (request) => {
    ctx.requirePermission(request, 'aiStudio:guide:view');
    const q = request.query;
    const page = readPageQuery(q, 100);
    const name = textParam(q, 'name');
    const contains = textParam(q, 'nameContains')?.toLowerCase();
    const items = [...guides.values()].filter(
      (g) =>
        (name === undefined || g.name === name) &&
        (contains === undefined || g.name.toLowerCase().includes(contains)),
    );
    const carried = {
      ...(name === undefined ? {} : { name }),
      ...(contains === undefined ? {} : { nameContains: contains }),
    };
    return pageOf(
      items.map((g) => guideWire(ctx, g)),
      page,
      '/api/v2/guides',
      carried,
    );
  });

  app.post('/api/v2/guides', (request) => {
    ctx.requirePermission(request, 'aiStudio:guide:add');
    return guideWire(ctx, createGuide(ctx, parseBody(CreateGuideSchema, request.body, 'guide')));
  });

  app.get<GuideParams>('/api/v2/guides/:guideId', (request) => {
    ctx.requirePermission(request, 'aiStudio:guide:view');
    return guideWire(ctx, getGuide(request.params.guideId));
  });

  app.post<GuideParams>('/api/v2/guides/:guideId/versions', (request) => {
    ctx.requirePermission(request, 'aiStudio:guideVersion:add');
    const guide = getGuide(request.params.guideId);
    // An empty body is an empty update: every field copied from the latest saved version.
    const update = parseBody(UpdateGuideVersionSchema, request.body ?? {}, 'guide version');
    const latest =
      guide.latestSavedVersionId === undefined
        ? undefined
        : guideVersions.get(guide.latestSavedVersionId);
    const content = mergeGuideContent(latest ?? EMPTY, update);
    checkGuideContent(content);
    const numbers = [...guideVersions.values()].filter((v) => v.guideId === guide.id);
    const nowMs = now();
    const version: GuideVersionRecord = {
      id: ctx.newId(),
      guideId: guide.id,
      version: 1 + Math.max(0, ...numbers.map((v) => v.version)),
      state: 'Draft',
      ...content,
      dateCreatedMs: nowMs,
      dateModifiedMs: nowMs,
    };
    guideVersions.set(version.id, version);
    touch(guide, { latestSavedVersionId: version.id });
    ctx.store.save();
    return versionWire(version);
  });

  app.get<VersionParams>('/api/v2/guides/:guideId/versions/:versionId', (request) => {
    ctx.requirePermission(request, 'aiStudio:guideVersion:view');
    return versionWire(getVersion(request.params.guideId, request.params.versionId));
  });

  app.patch<VersionParams>('/api/v2/guides/:guideId/versions/:versionId', (request) => {
    ctx.requirePermission(request, 'aiStudio:guideVersion:edit');
    const v = getVersion(request.params.guideId, request.params.versionId);
    if (v.state === 'ProductionReady') {
      throw badRequest('Published guide versions cannot be changed; create a new version', [
        { errorCode: 'VERSION_PUBLISHED', entityId: v.id },
      ]);
    }
    const update = parseBody(UpdateGuideVersionSchema, request.body, 'guide version update');
    const content = mergeGuideContent(v, update);
    checkGuideContent(content);
    const next: GuideVersionRecord = { ...v, ...content, dateModifiedMs: now() };
    guideVersions.set(v.id, next);
    ctx.store.save();
    return versionWire(next);
  });

  app.post<VersionParams>('/api/v2/guides/:guideId/versions/:versionId/jobs', (request, reply) => {
    ctx.requirePermission(request, 'aiStudio:guideVersionJob:add');
    const v = getVersion(request.params.guideId, request.params.versionId);
    parseBody(PublishGuideSchema, request.body, 'guide version publish job');
    const job = startJob(ctx, { kind: 'guide', guideId: v.guideId, versionId: v.id });
    return reply.code(202).send(jobWire(job, v));
  });

  app.get<JobParams>('/api/v2/guides/:guideId/versions/:versionId/jobs/:jobId', (request) => {
    ctx.requirePermission(request, 'aiStudio:guideVersionJob:view');
    const { guideId, versionId, jobId } = request.params;
    const v = getVersion(guideId, versionId);
    const isThis = (t: JobTarget): boolean =>
      t.kind === 'guide' && t.guideId === guideId && t.versionId === versionId;
    const job = findJob(ctx, jobId, isThis);
    if (job === undefined) throw notFound('Guide version job', jobId);
    // The version is checked as it is at this poll: an action deleted since the job started fails it.
    const poll = {
      actionIds: v.resources.dataActions.map((a) => a.id),
      contextId: ctx.info(request).correlationId,
    };
    const next = pollJob(ctx, job, poll, () => {
      guideVersions.set(v.id, { ...v, state: 'ProductionReady', dateModifiedMs: now() });
      touch(getGuide(guideId), { latestProductionReadyVersionId: v.id });
    });
    return jobWire(next, v);
  });
}
