/**
 * The Genesys Cloud client room (DESIGN "src/genesys/"): regions, OAuth client-credentials tokens,
 * the resilient HTTP pipeline, typed errors, paging, and the integrations / credentials / data
 * actions / gateway tools APIs.
 */
export { REGIONS, resolveRegion } from './regions.js';
export type { Region } from './regions.js';
export {
  createGenesysClient,
  GenesysClientOptionsSchema,
  resolveHosts,
  requireCredentials,
} from './client.js';
export type { GenesysClient, GenesysClientOptions, ResolvedHosts } from './client.js';
export type { ClientEvent } from './events.js';
export { apiErrorFromResponse } from './api-error.js';
export { permissionFor } from './error-body.js';
export type { RequestInfo } from './api-error.js';
export type { FieldProblem } from './error-body.js';
export type { TokenProvider } from './token-provider.js';
export type { Transport, SendRequest, SendResponse, CallOptions, HttpMethod } from './transport.js';
export type { Answered, ResponseMeta } from './parse-wire.js';
export { paginate } from './paginate.js';
export type { Paged } from './paginate.js';
export {
  WEB_SERVICES_INTEGRATION_TYPE,
  userDefinedCredential,
  basicAuthCredential,
} from './integrations-api.js';
export type {
  IntegrationsApi,
  CredentialsApi,
  ListOptions,
  CreateOptions,
} from './integrations-api.js';
export type { DataActionsApi, ListActionsOptions, GetActionOptions } from './data-actions-api.js';
export type { GatewayToolsApi, GatewayInvokeInput } from './gateway-api.js';
export type { GuidesApi, ListGuidesOptions } from './guides-api.js';
export type { VirtualAgentsApi, ListAgentsOptions } from './agents-api.js';
export type {
  DependencyTrackingApi,
  ConsumingResourcesOptions,
} from './dependency-tracking-api.js';
export { waitForJob, jobOutcome, jobErrors } from './wait-for-job.js';
export type { WaitForJobOptions, JobOutcome } from './wait-for-job.js';
export type {
  GuideWire,
  GuideVersionWire,
  GuideDataActionWire,
  UpdateGuideVersionWire,
  PublishJobWire,
  VirtualAgentWire,
  VirtualAgentVersionWire,
  AgentDefinitionWire,
  AgentToolWire,
  AgentTypeWire,
  ConsumingResourceWire,
} from './ai-studio-wire.js';
export type {
  ActionWire,
  ActionConfigWire,
  ActionContractWire,
  ActionEntityListingWire,
  PostActionInputWire,
  PatchActionInputWire,
  TestExecutionResultWire,
  IntegrationWire,
  IntegrationConfigWire,
  IntegrationConfigInputWire,
  CredentialWire,
  CredentialInputWire,
  CredentialTypeName,
  ErrorBodyWire,
  GatewayToolWire,
  GatewayToolInputWire,
  JsonSchemaWire,
  PageWire,
  RequestTypeWire,
} from './wire.js';
