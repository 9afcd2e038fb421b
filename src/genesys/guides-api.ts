/**
 * AI Studio Guides (reference §6.1; contract BINDINGS-WIRE.md "Guides"): read guides and their
 * versions, write a new version, publish it and follow the job. A published version is
 * immutable: a change is always a new version.
 */
import type { Clock } from '../deps.js';
import type {
  GuideVersionWire,
  GuideWire,
  PublishJobWire,
  UpdateGuideVersionWire,
} from './ai-studio-wire.js';
import {
  GuideListingWireSchema,
  GuideVersionWireSchema,
  GuideWireSchema,
  PublishJobWireSchema,
} from './ai-studio-wire.js';
import { endpointCaller } from './endpoint.js';
import type { CreateOptions, ListOptions } from './integrations-api.js';
import { signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import type { CallOptions, Transport } from './transport.js';
import type { WaitForJobOptions } from './wait-for-job.js';
import { waitForJob } from './wait-for-job.js';

/** Filters of the guide listing. */
export interface ListGuidesOptions extends ListOptions {
  /** Exact name. */
  readonly name?: string;
  /** Case-insensitive part of the name. */
  readonly nameContains?: string;
}

/** `/api/v2/guides`. */
export interface GuidesApi {
  list(options?: ListGuidesOptions): Paged<GuideWire>;
  /** Every guide whose name is exactly `name` (names are not unique). */
  findByName(name: string, options?: CallOptions): Promise<GuideWire[]>;
  /** @throws GenesysNotFoundError GENESYS_NOT_FOUND */
  get(id: string, options?: CallOptions): Promise<GuideWire>;
  /** Creates an empty guide (this project never does so on its own; tests and demos do). */
  create(input: { name: string; source?: string }, options?: CreateOptions): Promise<GuideWire>;
  getVersion(guideId: string, versionId: string, options?: CallOptions): Promise<GuideVersionWire>;
  /** A new Draft version; fields left out are copied from the latest saved version. */
  createVersion(
    guideId: string,
    body: UpdateGuideVersionWire,
    options?: CreateOptions,
  ): Promise<GuideVersionWire>;
  /** Starts the publish job of a version (state ProductionReady). */
  startPublish(guideId: string, versionId: string, options?: CallOptions): Promise<PublishJobWire>;
  getPublishJob(
    guideId: string,
    versionId: string,
    jobId: string,
    options?: CallOptions,
  ): Promise<PublishJobWire>;
  /**
   * Publishes a version and follows the job to its end.
   * @throws GenesysApiError GENESYS_JOB_FAILED, GENESYS_JOB_TIMEOUT
   */
  publish(guideId: string, versionId: string, options?: WaitForJobOptions): Promise<PublishJobWire>;
}

const ROUTE = '/api/v2/guides';
const E = {
  list: { method: 'GET', route: ROUTE, schema: GuideListingWireSchema },
  create: { method: 'POST', route: ROUTE, schema: GuideWireSchema },
  get: { method: 'GET', route: `${ROUTE}/{guideId}`, schema: GuideWireSchema },
  createVersion: {
    method: 'POST',
    route: `${ROUTE}/{guideId}/versions`,
    schema: GuideVersionWireSchema,
  },
  getVersion: {
    method: 'GET',
    route: `${ROUTE}/{guideId}/versions/{versionId}`,
    schema: GuideVersionWireSchema,
  },
  startPublish: {
    method: 'POST',
    route: `${ROUTE}/{guideId}/versions/{versionId}/jobs`,
    schema: PublishJobWireSchema,
  },
  getJob: {
    method: 'GET',
    route: `${ROUTE}/{guideId}/versions/{versionId}/jobs/{jobId}`,
    schema: PublishJobWireSchema,
  },
} as const;

/** Builds the guides API on a transport; `clock` paces the publish-job polling. */
export function createGuidesApi(transport: Transport, maxPages: number, clock: Clock): GuidesApi {
  const call = endpointCaller(transport);
  const list = (options: ListGuidesOptions = {}): Paged<GuideWire> => {
    const pageSize = options.pageSize ?? 100;
    const query = { pageSize, name: options.name, nameContains: options.nameContains };
    return paginate(
      (pageNumber) => call(E.list, { query: { ...query, pageNumber } }, signalOf(options)),
      { pageSize, maxPages, what: `GET ${ROUTE}` },
    );
  };
  const api: GuidesApi = {
    list,
    // The exact-name filter is checked again here: a server may treat `name` as a prefix.
    findByName: async (name, options = {}) =>
      (await list({ ...options, name }).collect()).filter((g) => g.name === name),
    get: (guideId, options) => call(E.get, { params: { guideId } }, options),
    create: (input, options) => call(E.create, { body: { source: 'Manual', ...input } }, options),
    getVersion: (guideId, versionId, options) =>
      call(E.getVersion, { params: { guideId, versionId } }, options),
    createVersion: (guideId, body, options) =>
      call(E.createVersion, { params: { guideId }, body }, options),
    startPublish: (guideId, versionId, options) =>
      call(
        E.startPublish,
        { params: { guideId, versionId }, body: { guideVersion: { state: 'ProductionReady' } } },
        options,
      ),
    getPublishJob: (guideId, versionId, jobId, options) =>
      call(E.getJob, { params: { guideId, versionId, jobId } }, options),
    publish: async (guideId, versionId, options = {}) => {
      const first = await api.startPublish(guideId, versionId, signalOf(options));
      return waitForJob(
        {
          first,
          read: () => api.getPublishJob(guideId, versionId, first.id, signalOf(options)),
          what: `publishing version ${versionId} of guide ${guideId}`,
        },
        clock,
        options,
      );
    },
  };
  return api;
}
