/**
 * Agentic virtual agents (reference §6.2; contract BINDINGS-WIRE.md "Agentic virtual agents"):
 * read agents and their versions, write a new draft version, publish it and follow the job.
 */
import type { Clock } from '../deps.js';
import type {
  AgentDefinitionWire,
  PublishJobWire,
  VirtualAgentVersionWire,
  VirtualAgentWire,
} from './ai-studio-wire.js';
import {
  PublishJobWireSchema,
  VirtualAgentListingWireSchema,
  VirtualAgentVersionWireSchema,
  VirtualAgentWireSchema,
} from './ai-studio-wire.js';
import { endpointCaller } from './endpoint.js';
import type { CreateOptions, ListOptions } from './integrations-api.js';
import { signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import type { CallOptions, Transport } from './transport.js';
import type { WaitForJobOptions } from './wait-for-job.js';
import { waitForJob } from './wait-for-job.js';

/** Filters of the agent listing. */
export interface ListAgentsOptions extends ListOptions {
  readonly name?: string;
}

/** `/api/v2/agentic/virtualagents`. */
export interface VirtualAgentsApi {
  list(options?: ListAgentsOptions): Paged<VirtualAgentWire>;
  /** Every agent whose name is exactly `name`. */
  findByName(name: string, options?: CallOptions): Promise<VirtualAgentWire[]>;
  /** @throws GenesysNotFoundError GENESYS_NOT_FOUND */
  get(id: string, options?: CallOptions): Promise<VirtualAgentWire>;
  /** Creates an empty agent (tests and demos; this project never does so on its own). */
  create(input: { name: string }, options?: CreateOptions): Promise<VirtualAgentWire>;
  getVersion(
    agentId: string,
    versionId: string,
    options?: CallOptions,
  ): Promise<VirtualAgentVersionWire>;
  /** A new Draft version; a missing definition is copied from the latest version. */
  createVersion(
    agentId: string,
    body: { readonly definition?: AgentDefinitionWire },
    options?: CreateOptions,
  ): Promise<VirtualAgentVersionWire>;
  /** Changes a Draft version's definition. */
  patchVersion(
    agentId: string,
    versionId: string,
    body: { readonly definition: AgentDefinitionWire },
    options?: CallOptions,
  ): Promise<VirtualAgentVersionWire>;
  startPublish(agentId: string, versionId: string, options?: CallOptions): Promise<PublishJobWire>;
  getPublishJob(
    agentId: string,
    versionId: string,
    jobId: string,
    options?: CallOptions,
  ): Promise<PublishJobWire>;
  /**
   * Publishes a version and follows the job to its end.
   * @throws GenesysApiError GENESYS_JOB_FAILED, GENESYS_JOB_TIMEOUT
   */
  publish(agentId: string, versionId: string, options?: WaitForJobOptions): Promise<PublishJobWire>;
}

const ROUTE = '/api/v2/agentic/virtualagents';
const VERSION = `${ROUTE}/{agentId}/versions/{versionId}`;
const E = {
  list: { method: 'GET', route: ROUTE, schema: VirtualAgentListingWireSchema },
  create: { method: 'POST', route: ROUTE, schema: VirtualAgentWireSchema },
  get: { method: 'GET', route: `${ROUTE}/{agentId}`, schema: VirtualAgentWireSchema },
  createVersion: {
    method: 'POST',
    route: `${ROUTE}/{agentId}/versions`,
    schema: VirtualAgentVersionWireSchema,
  },
  getVersion: { method: 'GET', route: VERSION, schema: VirtualAgentVersionWireSchema },
  patchVersion: { method: 'PATCH', route: VERSION, schema: VirtualAgentVersionWireSchema },
  startPublish: { method: 'POST', route: `${VERSION}/jobs`, schema: PublishJobWireSchema },
  getJob: { method: 'GET', route: `${VERSION}/jobs/{jobId}`, schema: PublishJobWireSchema },
} as const;

/** Builds the agents API on a transport; `clock` paces the publish-job polling. */
export function createVirtualAgentsApi(
  transport: Transport,
  maxPages: number,
  clock: Clock,
): VirtualAgentsApi {
  const call = endpointCaller(transport);
  const list = (options: ListAgentsOptions = {}): Paged<VirtualAgentWire> => {
    const pageSize = options.pageSize ?? 100;
    return paginate(
      (pageNumber) =>
        call(E.list, { query: { pageSize, pageNumber, name: options.name } }, signalOf(options)),
      { pageSize, maxPages, what: `GET ${ROUTE}` },
    );
  };
  const api: VirtualAgentsApi = {
    list,
    findByName: async (name, options = {}) =>
      (await list({ ...options, name }).collect()).filter((a) => a.name === name),
    get: (agentId, options) => call(E.get, { params: { agentId } }, options),
    create: (input, options) => call(E.create, { body: input }, options),
    getVersion: (agentId, versionId, options) =>
      call(E.getVersion, { params: { agentId, versionId } }, options),
    createVersion: (agentId, body, options) =>
      call(E.createVersion, { params: { agentId }, body }, options),
    patchVersion: (agentId, versionId, body, options) =>
      call(E.patchVersion, { params: { agentId, versionId }, body }, options),
    startPublish: (agentId, versionId, options) =>
      call(
        E.startPublish,
        {
          params: { agentId, versionId },
          body: { virtualAgentVersion: { status: 'ProductionReady' } },
        },
        options,
      ),
    getPublishJob: (agentId, versionId, jobId, options) =>
      call(E.getJob, { params: { agentId, versionId, jobId } }, options),
    publish: async (agentId, versionId, options = {}) => {
      const first = await api.startPublish(agentId, versionId, signalOf(options));
      return waitForJob(
        {
          first,
          read: () => api.getPublishJob(agentId, versionId, first.id, signalOf(options)),
          what: `publishing version ${versionId} of agent ${agentId}`,
        },
        clock,
        options,
      );
    },
  };
  return api;
}
