/** The registry room's public surface (STYLE §2). */
export type {
  Registry,
  ComparableSpec,
  DesiredEntry,
  RemoteEntry,
  InvokeResult,
  WriteResult,
  CallOptions,
  ListOptions,
  JsonValue,
} from './registry.js';
export { REPLACING_SUFFIX, baseName, replacingName } from './registry.js';
export { normaliseJson, normaliseObject, comparableText, diffJson } from './comparable.js';
export type { FieldDiff } from './comparable.js';
export { toDraft04 } from './draft04.js';
export {
  toDataAction,
  toolEndpoint,
  timeoutSecondsFor,
  DEFAULT_CATEGORY,
  TIMEOUT_MARGIN_SECONDS,
} from './to-data-action.js';
export { comparableDataAction, SPEC_HEADER, specDigest } from './action-spec.js';
export type { DataActionSettings, DataActionBody } from './to-data-action.js';
export { toGatewayTool, comparableGatewayTool, GATEWAY_MARKER } from './to-gateway-tool.js';
export type { GatewaySettings, GatewayToolBody } from './to-gateway-tool.js';
export {
  createDataActionsRegistry,
  DataActionsRegistryOptionsSchema,
  THIS_INTEGRATION,
} from './data-actions-target.js';
export type { DataActionsRegistryOptions, DataActionsClient } from './data-actions-target.js';
export { createGatewayRegistry, GatewayRegistryOptionsSchema } from './gateway-target.js';
export type { GatewayRegistryOptions } from './gateway-target.js';
export { findLeftovers, removeLeftovers } from './integration-cleanup.js';
export type { SetupChange } from './integration-prepare.js';
export type { Leftovers, LeftoverSettings } from './integration-cleanup.js';
export { acquireLease, describeHolder, LEASE_KEY } from './write-lease.js';
export type { LeaseHolder, LeaseOptions, WriteLease } from './write-lease.js';
