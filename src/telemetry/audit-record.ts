/**
 * The audit record and its hash chain (DESIGN "Telemetry and audit"): pure functions shared by the
 * writer and by `audit verify`.
 */
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** The `prev` of the very first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the server hands the audit log per invocation (shape of the server's `AuditEntry`). */
export interface AuditInvocationEntry {
  readonly time: string;
  readonly invocationId: string;
  readonly tool: string;
  readonly conversationId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  /** Never stored: only the SHA-256 of its canonical JSON is. */
  readonly parameters: unknown;
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly durationMs: number;
}

/** One registry change made by `apply` or `destroy`, audited like an invocation. */
export interface RegistryChange {
  readonly time: string;
  /** The OAuth client id that made the change. */
  readonly actor: string;
  readonly action: 'create' | 'update' | 'replace' | 'delete' | 'adopt';
  readonly tool: string;
  readonly target: 'data-actions' | 'gateway';
  readonly remoteId?: string;
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly correlationId?: string;
}

interface ChainFields {
  /** Hash of the previous record, GENESIS_HASH for the first. */
  readonly prev: string;
  /** SHA-256 of the canonical JSON of this record without `hash`. */
  readonly hash: string;
}

/** An invocation as stored: ids, the parameters' hash, outcome and the chain. */
export interface InvocationAuditRecord extends ChainFields {
  readonly kind: 'invocation';
  readonly time: string;
  readonly invocationId: string;
  readonly tool: string;
  readonly conversationId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  readonly parametersSha256: string;
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly durationMs: number;
}

/** A registry change as stored. */
export interface RegistryChangeAuditRecord extends ChainFields, RegistryChange {
  readonly kind: 'registry-change';
}

/** One line of the audit log. */
export type AuditRecord = InvocationAuditRecord | RegistryChangeAuditRecord;

/** What goes into the chain: an invocation or a registry change. */
export type AuditInput =
  | { readonly kind: 'invocation'; readonly entry: AuditInvocationEntry }
  | { readonly kind: 'registry-change'; readonly change: RegistryChange };

/** Copies only the defined values of the optional fields, so absent and undefined hash alike. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    if (fields[key] !== undefined) out[key] = fields[key];
  }
  return out;
}

/** The hash a record must carry: SHA-256 over its canonical JSON without `hash`. */
export function hashOfRecord(record: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = { ...record };
  delete rest.hash;
  return sha256Hex(canonicalJson(rest));
}

/**
 * The next record of the chain after `previous` (undefined for the first one). Pure: the
 * parameters are reduced to the SHA-256 of their RFC 8785 canonical JSON and never copied.
 * @throws AuditError AUDIT_WRITE_FAILED when the parameters cannot be canonicalised.
 */
export function nextAuditRecord(
  previous: { readonly hash: string } | undefined,
  input: AuditInput | AuditInvocationEntry,
): AuditRecord {
  const prev = previous?.hash ?? GENESIS_HASH;
  const item: AuditInput = 'kind' in input ? input : { kind: 'invocation', entry: input };
  if (item.kind === 'invocation') {
    const e = item.entry;
    const body = {
      kind: 'invocation' as const,
      time: e.time,
      invocationId: e.invocationId,
      tool: e.tool,
      ...defined({
        conversationId: e.conversationId,
        userId: e.userId,
        correlationId: e.correlationId,
      }),
      parametersSha256: sha256Hex(canonicalJson(e.parameters)),
      outcome: e.outcome,
      ...defined({ errorCode: e.errorCode }),
      durationMs: e.durationMs,
      prev,
    };
    return { ...body, hash: hashOfRecord(body) };
  }
  const c = item.change;
  const body = {
    kind: 'registry-change' as const,
    time: c.time,
    actor: c.actor,
    action: c.action,
    tool: c.tool,
    target: c.target,
    ...defined({ remoteId: c.remoteId }),
    outcome: c.outcome,
    ...defined({ errorCode: c.errorCode, correlationId: c.correlationId }),
    prev,
  };
  return { ...body, hash: hashOfRecord(body) };
}
