/**
 * Architect dependency tracking (reference §10.4; contract BINDINGS-WIRE.md "Dependency
 * tracking"): who uses an object, e.g. the guide versions, agent versions and flows that name a
 * data action. The platform may answer 206 while it rebuilds its index: the listing is then
 * partial, and is read as it is.
 */
import type { ConsumingResourceWire } from './ai-studio-wire.js';
import { ConsumingResourceListingWireSchema } from './ai-studio-wire.js';
import { endpointCaller } from './endpoint.js';
import type { ListOptions } from './integrations-api.js';
import { signalOf } from './integrations-api.js';
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import type { Transport } from './transport.js';

/** Options of `consumingResources`. */
export interface ConsumingResourcesOptions extends ListOptions {
  /** Default `DATAACTION`. */
  readonly objectType?: string;
}

/** `/api/v2/architect/dependencytracking`. */
export interface DependencyTrackingApi {
  /** What uses object `id`: one entry per guide or agent version, and one per flow. */
  consumingResources(id: string, options?: ConsumingResourcesOptions): Paged<ConsumingResourceWire>;
}

const ROUTE = '/api/v2/architect/dependencytracking/consumingresources';
const LIST = { method: 'GET', route: ROUTE, schema: ConsumingResourceListingWireSchema } as const;

/** Builds the dependency tracking API on a transport. */
export function createDependencyTrackingApi(
  transport: Transport,
  maxPages: number,
): DependencyTrackingApi {
  const call = endpointCaller(transport);
  return {
    consumingResources: (id, options = {}) => {
      const pageSize = options.pageSize ?? 100;
      const objectType = options.objectType ?? 'DATAACTION';
      return paginate(
        (pageNumber) =>
          call(LIST, { query: { id, objectType, pageSize, pageNumber } }, signalOf(options)),
        { pageSize, maxPages, what: `GET ${ROUTE}` },
      );
    },
  };
}
