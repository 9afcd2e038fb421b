/**
 * What the listing alone can settle about a data action, and the config an update writes so that
 * the digest it carries stays true (issue 15 item 12: the contract keeps its descriptions).
 */
import { comparableText } from './comparable.js';
import {
  carriedDigest,
  comparableDataAction,
  digestWith,
  settledDescriptions,
  SPEC_HEADER,
} from './action-spec.js';
import type { ComparableSpec, DesiredEntry, RemoteEntry } from './registry.js';
import { recordOf } from './wire-read.js';

/**
 * The spec of `action` when the listing alone shows that it is `desired`: it carries a digest of
 * the desired shape (which covers contract and templates, which the listing does not show) and
 * every field the listing does show compares equal. The descriptions are the ones the digest names
 * (the contract's, which may differ from the files': they are not compared). Else undefined.
 */
export function settledByListing(
  action: Record<string, unknown>,
  desired: DesiredEntry,
  local: (spec: ComparableSpec) => ComparableSpec,
): ComparableSpec | undefined {
  const desiredConfig = recordOf(desired.body.config);
  const descriptions = settledDescriptions(carriedDigest(action), desired.body);
  if (descriptions === undefined) return undefined;
  const config = recordOf(action.config);
  const request = recordOf(config.request);
  const response = recordOf(config.response);
  // What the listing leaves out is taken from the desired body; the digest vouches for it.
  const filled = {
    ...action,
    contract: desired.body.contract,
    config: {
      ...config,
      request: {
        ...request,
        requestTemplate: recordOf(desiredConfig.request).requestTemplate,
      },
      response: {
        ...response,
        successTemplate: recordOf(desiredConfig.response).successTemplate,
      },
    },
  };
  const spec = local(comparableDataAction(filled));
  const same =
    comparableText(spec.fixed) === comparableText(desired.spec.fixed) &&
    comparableText(spec.mutable) === comparableText(desired.spec.mutable);
  return same ? { ...desired.spec, descriptions } : undefined;
}

/** The part of a data action's config that carries the digest header. */
interface WithHeaders {
  readonly request: { readonly headers?: Readonly<Record<string, string>> | undefined };
}

/**
 * The config an update writes: `config` (the desired one), with a digest that names the
 * descriptions the action keeps (a PATCH cannot change the contract, so they stay the ones it was
 * created with).
 */
export function configKeeping<C extends WithHeaders>(
  config: C,
  desired: DesiredEntry,
  remote: RemoteEntry,
): C {
  const kept = remote.spec.descriptions;
  const headers = config.request.headers;
  if (kept === undefined || headers === undefined) return config;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    out[key] =
      key.toLowerCase() === SPEC_HEADER.toLowerCase() ? digestWith(desired.body, kept) : value;
  }
  return { ...config, request: { ...config.request, headers: out } };
}
