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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The record: its body with the hash of the body added in place. A copy (`{ ...body, hash }`) per
 * record was a quarter of what V8 still promoted to the old generation under bench/server.ts.
 */
function withHash<T extends object>(body: T): T & { readonly hash: string } {
  return Object.assign(body, { hash: sha256Hex(canonicalJson(body)) });
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
    // Built field by field: optional fields are present only when defined, so absent and undefined
    // hash alike.
    const body: Mutable<Omit<InvocationAuditRecord, 'hash'>> = {
      kind: 'invocation',
      time: e.time,
      invocationId: e.invocationId,
      tool: e.tool,
      parametersSha256: sha256Hex(canonicalJson(e.parameters)),
      outcome: e.outcome,
      durationMs: e.durationMs,
      prev,
    };
    if (e.conversationId !== undefined) body.conversationId = e.conversationId;
    if (e.userId !== undefined) body.userId = e.userId;
    if (e.correlationId !== undefined) body.correlationId = e.correlationId;
    if (e.errorCode !== undefined) body.errorCode = e.errorCode;
    return withHash(body);
  }
  const c = item.change;
  const body: Mutable<Omit<RegistryChangeAuditRecord, 'hash'>> = {
    kind: 'registry-change',
    time: c.time,
    actor: c.actor,
    action: c.action,
    tool: c.tool,
    target: c.target,
    outcome: c.outcome,
    prev,
  };
  if (c.remoteId !== undefined) body.remoteId = c.remoteId;
  if (c.errorCode !== undefined) body.errorCode = c.errorCode;
  if (c.correlationId !== undefined) body.correlationId = c.correlationId;
  return withHash(body);
}
