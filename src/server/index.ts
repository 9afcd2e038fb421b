/** The server room's public surface (STYLE §2): name each export explicitly. */
export { createToolServer, noopObserver } from './create-tool-server.js';
export { createCachedStatusProvider } from './status-provider.js';
export { createRedisSharedState } from './redis-shared-state.js';
export type { RedisSharedStateOptions, RedisSharedStateDeps } from './redis-shared-state.js';
export { sharedWindow, sharedWindowBound } from './shared-state.js';
export type { SharedState, SharedStateEvent, SharedWindow } from './shared-state.js';
export { ToolServerOptionsSchema, bearerTokenProblem, MIN_TOKEN_LENGTH } from './options.js';
export type {
  ToolServerOptions,
  RemoteStatus,
  RemoteStatusProvider,
  RemoteToolStatus,
  ServerMount,
} from './options.js';
export { createToolCalls } from './create-tool-calls.js';
export { errorReply } from './envelope.js';
export { retryAfterSeconds } from './policies.js';
export type {
  MountAuthResult,
  MountContext,
  ToolCallRequest,
  ToolCallResult,
  ToolCalls,
} from './tool-call-types.js';
export type { StandaloneToolCalls, ToolCallsOptions } from './create-tool-calls.js';
export type { AuthResult, Headers as RequestHeaders } from './caller-auth.js';
export type {
  AuditEntry,
  CallProtocol,
  AuditRefusal,
  AuditSink,
  InvocationObserver,
  InvocationResult,
  InvocationSpan,
} from './observer.js';
export type {
  InvocationRequestWire,
  InvocationSuccessWire,
  InvocationErrorWire,
} from './envelope.js';
export type { RegistryWire, RegistryToolWire } from './health.js';
