/**
 * Architect dependency tracking for data actions (reference §10.4; wire in BINDINGS-WIRE.md):
 * who consumes an action, read from the live state at each request: every guide version and
 * every agent version (any state) that names the action, and flows seeded for tests through
 * `/__emulator/flows` (the emulator has no Architect).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agentActionIds } from './agent-definition.js';
import type { FlowRecord } from './binding-state.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorState } from './state.js';
import { textParam } from './publish-jobs.js';
import { badRequest, notFound, pageOf, parseBody, readPageQuery } from './wire.js';

/** One entry of a consumingresources listing. */
export interface ConsumingResourceWire {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly version?: string;
  readonly selfUri?: string;
}

const SeedFlowSchema = z.strictObject({
  name: z.string().min(1).max(256),
  // Architect flow types are upper-case words (INBOUNDCALLFLOW, BOT, DIGITALBOTFLOW, ...).
  type: z
    .string()
    .regex(/^[A-Z][A-Z_]*$/, 'an Architect flow type such as INBOUNDCALLFLOW')
    .default('INBOUNDCALLFLOW'),
  dataActionIds: z.array(z.string().min(1)),
});

/**
 * What consumes data action `actionId` in `state`: guide versions (by guide, then version),
 * agent versions (likewise), then seeded flows, in insertion order. Pure.
 */
export function consumersOf(
  state: EmulatorState,
  actionId: string,
): readonly ConsumingResourceWire[] {
  const byVersion = (a: { version: number }, b: { version: number }): number =>
    a.version - b.version;
  const guides = [...state.guides.values()].flatMap((guide) =>
    [...state.guideVersions.values()]
      .filter(
        (v) => v.guideId === guide.id && v.resources.dataActions.some((a) => a.id === actionId),
      )
      .sort(byVersion)
      .map((v) => ({
        id: guide.id,
        name: guide.name,
        type: 'GUIDE',
        version: String(v.version),
        selfUri: `/api/v2/guides/${guide.id}/versions/${v.id}`,
      })),
  );
  const agents = [...state.agents.values()].flatMap((agent) =>
    [...state.agentVersions.values()]
      .filter(
        (v) => v.virtualAgentId === agent.id && agentActionIds(v.definition).includes(actionId),
      )
      .sort(byVersion)
      .map((v) => ({
        id: agent.id,
        name: agent.name,
        type: 'VIRTUALAGENT',
        version: `${String(v.version)}.0`,
        selfUri: `/api/v2/agentic/virtualagents/${agent.id}/versions/${v.id}`,
      })),
  );
  const flows = [...state.flows.values()]
    .filter((f) => f.dataActionIds.includes(actionId))
    .map((f) => ({ id: f.id, name: f.name, type: f.type, selfUri: `/api/v2/flows/${f.id}` }));
  return [...guides, ...agents, ...flows];
}

type ListQuery = { Querystring: Readonly<Record<string, unknown>> };

/** Registers dependency tracking and the emulator-only flow seeding routes. */
export function registerDependencyTrackingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const path = '/api/v2/architect/dependencytracking/consumingresources';
  app.get<ListQuery>(path, (request) => {
    ctx.requirePermission(request, 'architect:dependencyTracking:view');
    const q = request.query;
    const page = readPageQuery(q, 100);
    const id = textParam(q, 'id');
    const objectType = textParam(q, 'objectType');
    if (id === undefined || objectType === undefined) {
      throw badRequest('The query parameters id and objectType are required.', [
        { errorCode: 'MISSING_PARAMETER', fieldName: id === undefined ? 'id' : 'objectType' },
      ]);
    }
    if (objectType !== 'DATAACTION') {
      throw badRequest(`The emulator tracks objectType DATAACTION only; got ${objectType}.`, [
        { errorCode: 'INVALID_PARAMETER', fieldName: 'objectType' },
      ]);
    }
    return pageOf(consumersOf(ctx.store.state, id), page, path, { id, objectType });
  });

  app.post('/__emulator/flows', (request) => {
    const body = parseBody(SeedFlowSchema, request.body, 'flow');
    const flow: FlowRecord = { id: ctx.newId(), ...body };
    ctx.store.state.flows.set(flow.id, flow);
    ctx.store.save();
    return flow;
  });

  app.delete<{ Params: { id: string } }>('/__emulator/flows/:id', (request, reply) => {
    if (!ctx.store.state.flows.delete(request.params.id)) throw notFound('Flow', request.params.id);
    ctx.store.save();
    return reply.code(204).send();
  });
}
