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
} from './types.js';
export { JSON_SCHEMA_2020_12 } from './types.js';
export { RetryableToolError, isRetryableToolError } from './retryable.js';
