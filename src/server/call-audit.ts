/**
 * What the audit log gets at a call's end (DESIGN "Telemetry and audit"): a record per call that
 * reached its handler, durable before the reply; a count per refused call, summed per interval
 * into `refused-calls` records (issue 14, item 1; issue 18, goal 2).
 */
import type { Logger } from '../deps.js';
import type { CallState } from './call-outcome.js';
import type { AuditEntry, AuditRefusal, AuditSink } from './observer.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The call's audit entry, built field by field: optional ids are present only when known. Spreads
 * of conditional literals made up to four short-lived objects per call (bench/profile-calls.ts).
 */
function auditEntry(
  state: CallState,
  result: { readonly errorCode: string | undefined; readonly durationMs: number },
): AuditEntry {
  const entry: Mutable<AuditEntry> = {
    time: new Date(state.startMs).toISOString(),
    invocationId: state.invocationId,
    tool: state.toolName,
    parameters: state.parameters,
    outcome: result.errorCode === undefined ? 'success' : 'error',
    durationMs: result.durationMs,
  };
  if (state.conversationId !== undefined) entry.conversationId = state.conversationId;
  if (state.userId !== undefined) entry.userId = state.userId;
  if (state.correlationId !== undefined) entry.correlationId = state.correlationId;
  if (result.errorCode !== undefined) entry.errorCode = result.errorCode;
  return entry;
}

/**
 * Refusals: the wire codes of a call turned away before its handler ran, for a fault of the
 * caller's request (400, 401, 404, 413, 422) or to protect the service (429, OVERLOADED and
 * CIRCUIT_OPEN 503, STORE_UNAVAILABLE 503). They are summed per interval, not recorded one by one
 * (issue 18, goal 2). A call that reached its handler, a timeout, a caller that hung up and a
 * failure of ours keep a record of their own.
 */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'INVALID_PAYLOAD',
  'TOOL_NAME_MISMATCH',
  'UNAUTHORIZED',
  'UNKNOWN_TOOL',
  'PAYLOAD_TOO_LARGE',
  'INVALID_PARAMETERS',
  'RATE_LIMITED',
  'OVERLOADED',
  'CIRCUIT_OPEN',
  'STORE_UNAVAILABLE',
]);

/** True when the call ended refused before its handler ran (a refusal code, no attempt). Pure. */
export function isRefusal(state: CallState, errorCode: string | undefined): boolean {
  if (errorCode === undefined) return false;
  return !state.authenticated || (state.attempts === 0 && REFUSAL_CODES.has(errorCode));
}

/** The reason of each refusal code (`RATE_LIMITED` → `rate-limited`), made once. */
const REASONS: ReadonlyMap<string, string> = new Map(
  [...REFUSAL_CODES].map((code) => [code, code.toLowerCase().replaceAll('_', '-')]),
);

function reasonOf(code: string): string {
  return REASONS.get(code) ?? code.toLowerCase().replaceAll('_', '-');
}

/**
 * Hands the call's end to the audit sink: a refusal is counted (`AuditSink.refused`), anything
 * else appended, durable before the reply. Returns false when the append failed (logged through
 * `log`); the call is then answered as failed.
 */
export async function recordCall(
  state: CallState,
  audit: AuditSink | undefined,
  result: { readonly errorCode: string | undefined; readonly durationMs: number },
  log: () => Logger,
): Promise<boolean> {
  if (audit === undefined) return true;
  if (audit.refused !== undefined && isRefusal(state, result.errorCode)) {
    // Counted, not written: no fsync and no record per refused call. Nothing the caller wrote is
    // handed over: the tool only when served, the credential's label, the peer address.
    const refusal: Mutable<AuditRefusal> = {
      reason: state.refusal ?? reasonOf(result.errorCode ?? 'refused'),
      timeMs: state.startMs,
    };
    if (state.served && state.authenticated) refusal.tool = state.toolName;
    if (state.caller !== undefined) refusal.caller = state.caller;
    if (state.remoteAddress !== undefined) refusal.remoteAddress = state.remoteAddress;
    audit.refused(refusal);
    return true;
  }
  try {
    await audit.append(auditEntry(state, result));
    return true;
  } catch (error) {
    log().error(
      { err: { message: error instanceof Error ? error.message : String(error) } },
      'audit entry could not be written; the call is answered as failed',
    );
    return false;
  }
}
