/**
 * The public API of genesys-tools: define tools, load and validate them, sync them to Genesys
 * Cloud (one call: `syncTools`, or its steps `planSync`/`planTools` and `applyPlan`), serve them,
 * and test against the emulator. Named exports only; adding one is an API decision (STYLE §2).
 * Everything else is internal: the CLI is the supported way to use it.
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
export type { ErrorCode } from './errors.js';
export type { ToolDefinition, ToolContext } from './definition/index.js';
export { defineTool, loadTools, RetryableToolError } from './definition/index.js';
export { createGenesysClient as createClient } from './genesys/index.js';
export type { GenesysClient } from './genesys/index.js';
export type { Registry } from './registry/index.js';
export { planSync, applyPlan } from './sync/index.js';
export type { Plan, ApplyResult, ChangeEvent, ProgressEvent } from './sync/index.js';
export { createRegistry, planTools, syncTools, validateTools } from './sync-tools.js';
export type { SyncToolsOptions, SyncToolsResult } from './sync-tools.js';
export { createToolServer } from './server/index.js';
export { createEmulator } from './emulator/index.js';
