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
export { loadEnvConfig } from './config.js';
export type { EnvConfig } from './config.js';
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
export { createEmulator } from './emulator/index.js';
export type {
  Emulator,
  EmulatorCall,
  EmulatorOptions,
  EmulatorClient,
  FaultSettings,
} from './emulator/index.js';
