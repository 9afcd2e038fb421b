/**
 * The public API of genesys-tools. Named exports only; adding one is an API decision (STYLE §2).
 */
export {
  ERROR_CATALOGUE,
  GenesysToolsError,
  ConfigError,
  DefinitionError,
  GenesysApiError,
  GenesysAuthError,
  GenesysForbiddenError,
  GenesysNotFoundError,
  GenesysConflictError,
  GenesysValidationError,
  GenesysRateLimitError,
  GenesysUnavailableError,
  SyncError,
  InvocationError,
  AuditError,
  EmulatorError,
  isGenesysToolsError,
} from './errors.js';
export type { ErrorCode, ErrorFamily } from './errors.js';
export type { Clock, Deps, Logger } from './deps.js';
export { loadEnvConfig, loadConfigFile } from './config.js';
export type { EnvConfig, FileConfig } from './config.js';
export type {
  ToolDefinition,
  ToolContext,
  ToolHandler,
  JsonSchema,
  TargetName,
  RateLimitPolicy,
  ConcurrencyPolicy,
  CircuitBreakerPolicy,
} from './definition/index.js';
export { RetryableToolError } from './definition/index.js';
export {
  defineTool,
  isToolDefinition,
  compileParametersValidator,
  compileOutputValidator,
  validateTool,
  loadTools,
} from './definition/index.js';
export type {
  ToolInput,
  ParameterMap,
  ParameterSpec,
  DefinitionIssue,
  ParameterIssue,
  ValidationResult,
  LoadIssue,
  LoadResult,
  LoadOptions,
} from './definition/index.js';
export { createEmulator } from './emulator/index.js';
export type {
  Emulator,
  EmulatorCall,
  EmulatorOptions,
  EmulatorClient,
  FaultSettings,
} from './emulator/index.js';
export {
  REGIONS,
  resolveRegion,
  createGenesysClient,
  apiErrorFromResponse,
  userDefinedCredential,
  basicAuthCredential,
  WEB_SERVICES_INTEGRATION_TYPE,
} from './genesys/index.js';
export type {
  Region,
  GenesysClient,
  GenesysClientOptions,
  ClientEvent,
  Paged,
  ActionWire,
  PostActionInputWire,
  IntegrationWire,
  CredentialWire,
  GatewayToolWire,
  ErrorBodyWire,
} from './genesys/index.js';
export {
  createTelemetry,
  createLogger,
  createAuditLog,
  verifyAuditFiles,
  orderAuditFiles,
  canonicalJson,
  nextAuditRecord,
} from './telemetry/index.js';
export type {
  Telemetry,
  TelemetryOptions,
  LoggerOptions,
  AuditLog,
  AuditLogOptions,
  AuditRecord,
  AuditVerification,
  RegistryChange,
} from './telemetry/index.js';
export {
  createDataActionsRegistry,
  createGatewayRegistry,
  toDataAction,
  toGatewayTool,
  comparableDataAction,
  comparableGatewayTool,
  DEFAULT_CATEGORY,
  GATEWAY_MARKER,
} from './registry/index.js';
export type {
  Registry,
  DesiredEntry,
  RemoteEntry,
  ComparableSpec,
  FieldDiff,
  DataActionsRegistryOptions,
  GatewayRegistryOptions,
  DataActionBody,
  GatewayToolBody,
} from './registry/index.js';
export {
  planSync,
  applyPlan,
  assertApplicable,
  renderPlan,
  planToJson,
  summarisePlan,
  hasChanges,
  serialisePlan,
  parsePlanFile,
  assertPlanFresh,
} from './sync/index.js';
export type {
  Plan,
  Change,
  PlanOptions,
  PlanSummary,
  ApplyOptions,
  ApplyResult,
  ChangeEvent,
} from './sync/index.js';
export { createToolServer, createCachedStatusProvider, noopObserver } from './server/index.js';
export type {
  ToolServerOptions,
  RemoteStatusProvider,
  RemoteToolStatus,
  AuditEntry,
  AuditSink,
  InvocationObserver,
  InvocationResult,
  InvocationSpan,
  InvocationRequestWire,
  InvocationSuccessWire,
  InvocationErrorWire,
  RegistryWire,
  RegistryToolWire,
} from './server/index.js';
