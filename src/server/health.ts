/**
 * `GET /healthz` (alive), `GET /readyz` (ready; 503 while draining or while the audit sink fails,
 * since every call would then be answered 500: issue 14) and
 * `GET /api/v1/tools/registry` (DESIGN "Invocation contract", registry endpoint).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../deps.js';
import { InvocationError } from '../errors.js';
import type { CallerAuth } from './caller-auth.js';
import type { AuditSink } from './observer.js';
import type { RemoteStatus, RemoteStatusProvider } from './options.js';
import type { CircuitName, ToolPolicies } from './policies.js';
import type { SharedState } from './shared-state.js';
import type { ToolDefinition } from '../definition/index.js';

/** One tool in the registry view. */
export interface RegistryToolWire {
  readonly name: string;
  readonly version: string | number | null;
  readonly status: string;
  readonly capabilities: readonly string[];
  readonly circuit: CircuitName;
  readonly rateLimit: { readonly requestsPerMinute: number; readonly burstSize: number };
}

/** The registry view. */
export interface RegistryWire {
  readonly total_tools: number;
  readonly stale: boolean;
  /** Seconds since the org was last read; null when it never was (or no org is configured). */
  readonly age_seconds: number | null;
  readonly tools: readonly RegistryToolWire[];
}

/** Parameter names of a tool: the top-level properties of its input schema. */
export function parameterNames(tool: ToolDefinition): readonly string[] {
  const properties = tool.inputSchema.properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}

/** Builds the registry view; tools the org does not know are `unregistered`. */
export function registryView(
  tools: readonly { readonly tool: ToolDefinition; readonly policies: ToolPolicies }[],
  remote: RemoteStatus,
): RegistryWire {
  return {
    total_tools: tools.length,
    stale: remote.stale,
    age_seconds: remote.ageMs === undefined ? null : Math.floor(remote.ageMs / 1000),
    tools: tools.map(({ tool, policies }) => {
      const reg = Object.hasOwn(remote.tools, tool.name) ? remote.tools[tool.name] : undefined;
      return {
        name: tool.name,
        version: reg?.version ?? null,
        status: reg?.status ?? 'unregistered',
        capabilities: parameterNames(tool),
        circuit: policies.circuit(),
        rateLimit: {
          requestsPerMinute: tool.rateLimit.requestsPerMinute,
          burstSize: tool.rateLimit.burstSize,
        },
      };
    }),
  };
}

/** What the health routes need. */
export interface HealthRoutesOptions {
  readonly tools: readonly { readonly tool: ToolDefinition; readonly policies: ToolPolicies }[];
  readonly auth: CallerAuth;
  readonly remoteStatus: RemoteStatusProvider | undefined;
  readonly isDraining: () => boolean;
  /** The audit sink, whose `healthy()` readiness follows. */
  readonly audit: AuditSink | undefined;
  /**
   * The replicas' shared store: `/readyz` names its state as a detail and stays 200 while it is
   * down, since every replica shares it and a 503 would take them all out of the balancer at once.
   */
  readonly sharedState: SharedState | undefined;
  readonly logger: Logger;
}

/** The readiness answer. Pure. */
export function readiness(
  draining: boolean,
  auditHealthy: boolean,
): { readonly code: 200 | 503; readonly status: 'ready' | 'draining' | 'audit-unavailable' } {
  if (draining) return { code: 503, status: 'draining' };
  if (!auditHealthy) return { code: 503, status: 'audit-unavailable' };
  return { code: 200, status: 'ready' };
}

const registrySchema = {
  type: 'object',
  required: ['total_tools', 'stale', 'age_seconds', 'tools'],
  properties: {
    total_tools: { type: 'integer' },
    stale: { type: 'boolean' },
    age_seconds: { type: ['integer', 'null'] },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          version: { type: ['string', 'number', 'null'] },
          status: { type: 'string' },
          capabilities: { type: 'array', items: { type: 'string' } },
          circuit: { type: 'string' },
          rateLimit: {
            type: 'object',
            properties: {
              requestsPerMinute: { type: 'number' },
              burstSize: { type: 'number' },
            },
          },
        },
      },
    },
  },
} as const;

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, shared_state: { type: 'string' } },
} as const;

/** Registers the health and registry routes. */
export function registerHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  app.get('/healthz', { schema: { response: { 200: statusSchema } } }, (_request, reply) =>
    reply.send({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { response: { 200: statusSchema, 503: statusSchema } } },
    (_request, reply) => {
      const { code, status } = readiness(options.isDraining(), options.audit?.healthy?.() ?? true);
      const shared = options.sharedState;
      if (shared === undefined) return reply.code(code).send({ status });
      return reply.code(code).send({ status, shared_state: shared.isUp() ? 'up' : 'down' });
    },
  );

  app.get(
    '/api/v1/tools/registry',
    { schema: { response: { 200: registrySchema } } },
    async (request) => {
      // The registry names the tools, so it asks for the same credentials as an invocation; a
      // signed GET signs the empty body.
      const verdict = options.auth.checkHeaders(request.headers);
      const checked =
        verdict === 'needs-body' ? await options.auth.checkSignature(request.headers, '') : verdict;
      if (!checked.ok) {
        options.logger.warn({ reason: checked.reason }, 'registry caller refused');
        if (checked.reason === 'replay-store-unavailable') {
          throw new InvocationError(
            'STORE_UNAVAILABLE',
            'signed calls are checked for replay in the shared store, which is unreachable; retry shortly.',
            { retryAfterMs: 1000 },
          );
        }
        throw new InvocationError('UNAUTHORIZED', 'credentials are missing or wrong.');
      }
      const remote =
        options.remoteStatus === undefined
          ? { tools: {}, stale: false }
          : await options.remoteStatus().catch(() => ({ tools: {}, stale: true }));
      return registryView(options.tools, remote);
    },
  );
}
