/**
 * A data action as the registry sees it: the typed client's `ActionWire` turned into a
 * target-neutral `RemoteEntry`.
 */
import type { ActionWire } from '../genesys/index.js';
import { listingFingerprint } from './data-actions-read.js';
import type { ComparableSpec, RemoteEntry } from './registry.js';
import { comparableDataAction } from './action-spec.js';

/**
 * What the comparable form carries as `integrationId` for the integration this registry uses: the
 * desired form is then the same whether or not the integration is known yet (no hidden order
 * between `desired()` and `list()`); an action in another integration still differs (a replace).
 */
export const THIS_INTEGRATION = "(this registry's integration)";

/** What turning an action into an entry depends on. */
export interface EntryScope {
  /** The managed category. */
  readonly category: string;
  /** Puts THIS_INTEGRATION in place of the registry's integration id. */
  readonly local: (spec: ComparableSpec) => ComparableSpec;
}

/** The entry of `action`; `shown` is what the listing showed of it (for the fingerprint). */
export function toEntry(scope: EntryScope, action: ActionWire, shown = action): RemoteEntry {
  const url = action.config?.request?.requestUrlTemplate;
  return {
    id: action.id,
    name: action.name,
    version: action.version,
    managed: action.category === scope.category,
    spec: scope.local(comparableDataAction(action)),
    status: 'published',
    endpoint: typeof url === 'string' ? url : undefined,
    modifiedAt: typeof action.dateModified === 'string' ? action.dateModified : undefined,
    fingerprint: listingFingerprint(shown),
  };
}
