/** The definition room's public surface (STYLE §2): name each export explicitly. */
export type {
  ToolDefinition,
  ToolContext,
  ToolHandler,
  JsonSchema,
  TargetName,
  RateLimitPolicy,
  ConcurrencyPolicy,
  CircuitBreakerPolicy,
  StoreDownPolicy,
} from './types.js';
export { JSON_SCHEMA_2020_12, DEFAULT_ON_STORE_DOWN } from './types.js';
export { RetryableToolError, isRetryableToolError } from './retryable.js';
export { defineTool, buildTool, isToolDefinition, TOOL_NAME_PATTERN } from './define-tool.js';
export type {
  ToolInput,
  ToolInputBase,
  ZodToolInput,
  PlainToolInput,
  SchemaInput,
  HandlerResult,
  BuildResult,
} from './define-tool.js';
export type { ParameterMap, ParameterSpec } from './to-json-schema.js';
export type { DefinitionIssue } from './issues.js';
export { compileParametersValidator, compileOutputValidator } from './validator.js';
export type { ParameterIssue, ValidationResult, CompiledValidator } from './validator.js';
export { validateTool, hasErrors } from './target-profiles.js';
export { missingEndpointIssue } from './endpoint.js';
export { loadTools } from './load-tools.js';
export type { LoadIssue, LoadResult, LoadOptions } from './load-tools.js';
