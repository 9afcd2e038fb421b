/**
 * A data action as the registry sees it: the typed client's `ActionWire` turned into a
 * target-neutral `RemoteEntry`, and the test that lets a listing settle a comparison on its own.
 */
import type { ActionWire } from '../genesys/index.js';
import { comparableText } from './comparable.js';
import { listingFingerprint } from './data-actions-read.js';
import type { ComparableSpec, DesiredEntry, RemoteEntry } from './registry.js';
import { carriedDigest, comparableDataAction } from './to-data-action.js';
import { recordOf } from './wire-read.js';

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

/**
 * True when the listing alone shows that `action` is `desired`: it carries the desired spec digest
 * (which covers contract and templates, which the listing does not show) and every field the
 * listing does show compares equal.
 */
export function settledByListing(
  action: ActionWire,
  desired: DesiredEntry,
  local: (spec: ComparableSpec) => ComparableSpec,
): boolean {
  if (carriedDigest(action) !== carriedDigest(desired.body)) return false;
  const desiredConfig = recordOf(desired.body.config);
  const config = action.config ?? {};
  // What the listing leaves out is taken from the desired body; the digest vouches for it.
  const filled = {
    ...action,
    contract: desired.body.contract,
    config: {
      ...config,
      request: {
        ...config.request,
        requestTemplate: recordOf(desiredConfig.request).requestTemplate,
      },
      response: {
        ...config.response,
        successTemplate: recordOf(desiredConfig.response).successTemplate,
      },
    },
  };
  const spec = local(comparableDataAction(filled));
  return (
    comparableText(spec.fixed) === comparableText(desired.spec.fixed) &&
    comparableText(spec.mutable) === comparableText(desired.spec.mutable)
  );
}
