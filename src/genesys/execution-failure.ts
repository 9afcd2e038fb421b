/**
 * Telling the tool's own failure from ours: a data action's failing stage on execute/test
 * (reference §8.3) and a tool server's envelope passed through by the gateway's invoke.
 */
import type { RequestInfo } from './api-error.js';
import { parseErrorBody } from './error-body.js';
import type { ErrorBodyWire } from './wire.js';

const EXECUTION_ROUTE = /\/api\/v2\/integrations\/actions\/[^/]+\/(execute|test|draft\/test)$/;

const GATEWAY_INVOKE_ROUTE = /\/api\/v2\/ai\/assistant\/tools\/[^/]+\/invoke$/;

/**
 * The `error_code` of a tool server's invocation envelope passed through by the gateway's invoke
 * (`{ status: "error", error_code, ... }`, DESIGN "Invocation contract"); undefined otherwise.
 */
export function gatewayToolErrorCode(request: RequestInfo, body: unknown): string | undefined {
  if (!GATEWAY_INVOKE_ROUTE.test(request.route ?? request.path)) return undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const code = 'error_code' in body ? body.error_code : undefined;
  const status = 'status' in body ? body.status : undefined;
  return status === 'error' && typeof code === 'string' ? code : undefined;
}

/**
 * True when an answer is the tool's own failure, whatever its status: a data action's (reference
 * §8.3) or a tool server's envelope passed through by the gateway.
 */
export function isExecutionFailure(request: RequestInfo, body: unknown): boolean {
  return (
    executionStage(request, parseErrorBody(body)) !== undefined ||
    gatewayToolErrorCode(request, body) !== undefined
  );
}

/** The failing stage (`ACTION.REMOTE_ENDPOINT`, ...) of an execute/test answer, if it names one. */
export function executionStage(
  request: RequestInfo,
  body: ErrorBodyWire | undefined,
): string | undefined {
  if (!EXECUTION_ROUTE.test(request.route ?? request.path)) return undefined;
  return body?.details?.map((d) => d.errorCode).find((c) => c?.startsWith('ACTION.') === true);
}
