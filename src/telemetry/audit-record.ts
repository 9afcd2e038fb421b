/**
 * The audit record and its hash chain (DESIGN "Telemetry and audit"): pure functions shared by the
 * writer and by `audit verify`. A line is the RFC 8785 canonical JSON of the record, so exactly one
 * byte sequence stands for each record and `audit verify` can demand it (issue 14, item 5).
 */
import { createHmac } from 'node:crypto';
import { canonicalJson, sealCanonical, sha256Hex } from './canonical-json.js';

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
  /** Never stored: only an HMAC of its canonical JSON is. */
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

/**
 * Calls refused before their handler ran, in one interval, for one reason, tool and caller:
 * counted, never recorded one by one (issue 14, item 1; issue 18, goal 2). Nothing the caller
 * chose is kept but its address, a bounded sample; never a parameter value, an id or a credential.
 */
export interface RefusedCalls {
  /**
   * Why they were refused: before authentication `missing-credentials`, `wrong-credentials`,
   * `bad-signature`, ...; after it the wire error code in kebab case (`invalid-parameters`,
   * `rate-limited`, `overloaded`, `circuit-open`, ...).
   */
  readonly reason: string;
  /** The served tool they named; absent before authentication and for unknown tools. */
  readonly tool?: string;
  /** The accepted credential's label (`bearer:1`, ...); absent before authentication. */
  readonly caller?: string;
  readonly count: number;
  /** ISO-8601 times of the first and the last refusal counted. */
  readonly firstTime: string;
  readonly lastTime: string;
  /** Up to a few distinct remote addresses seen, in order of first sight. */
  readonly remoteAddresses: readonly string[];
  /** Distinct addresses beyond the sample were seen. */
  readonly moreAddresses: boolean;
}

/** The audit sink failed and has recovered: how long, and how many records were refused. */
export interface SinkRecovered {
  readonly time: string;
  /** ISO-8601 time of the first failed write. */
  readonly failingSince: string;
  /** Records whose write failed (their calls were answered EXECUTION_FAILURE). */
  readonly failedRecords: number;
}

interface ChainFields {
  /**
   * The replica that wrote the record (issue 16, item 3): each replica writes its own file, and
   * the id in every record says whose chain a record belongs to once records are shipped elsewhere.
   * Absent in records written without an instance id (before issue 16, or by a library user).
   */
  readonly instance?: string;
  /** Hash of the previous record, GENESIS_HASH for the first. */
  readonly prev: string;
  /** SHA-256 of the canonical JSON of this record without `hash`. */
  readonly hash: string;
}

/**
 * An invocation as stored: ids, the parameters' HMAC, outcome and the chain. Records written
 * before issue 14 carry `parametersSha256` (a plain SHA-256) instead; `audit verify` reads both.
 */
export interface InvocationAuditRecord extends ChainFields {
  readonly kind: 'invocation';
  readonly time: string;
  readonly invocationId: string;
  readonly tool: string;
  readonly conversationId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  /** HMAC-SHA256 (hex) of the parameters' canonical JSON, keyed per deployment. */
  readonly parametersHmac: string;
  readonly outcome: 'success' | 'error';
  readonly errorCode?: string;
  readonly durationMs: number;
}

/** A registry change as stored. */
export interface RegistryChangeAuditRecord extends ChainFields, RegistryChange {
  readonly kind: 'registry-change';
}

/** Refused calls as stored. */
export interface RefusedCallsAuditRecord extends ChainFields, RefusedCalls {
  readonly kind: 'refused-calls';
}

/** A sink recovery as stored. */
export interface SinkRecoveredAuditRecord extends ChainFields, SinkRecovered {
  readonly kind: 'sink-recovered';
}

/** One line of the audit log. */
export type AuditRecord =
  | InvocationAuditRecord
  | RegistryChangeAuditRecord
  | RefusedCallsAuditRecord
  | SinkRecoveredAuditRecord;

/** What goes into the chain; `instance`, when given, is stored in the record. */
export type AuditInput = { readonly instance?: string } & (
  | { readonly kind: 'invocation'; readonly entry: AuditInvocationEntry }
  | { readonly kind: 'registry-change'; readonly change: RegistryChange }
  | { readonly kind: 'refused-calls'; readonly refused: RefusedCalls }
  | { readonly kind: 'sink-recovered'; readonly recovered: SinkRecovered }
);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A record and the line it is written as (its canonical JSON, without the newline). */
export interface SealedRecord {
  readonly record: AuditRecord;
  readonly line: string;
}

/**
 * The record: its body with the hash of the body added in place, and its line, both from one
 * canonical serialisation (`sealCanonical`). A copy (`{ ...body, hash }`) per record was a quarter
 * of what V8 still promoted to the old generation under bench/server.ts.
 */
function withHash<T extends object>(
  body: T,
  instance: string | undefined,
): { readonly record: T & { readonly hash: string }; readonly line: string } {
  if (instance !== undefined) Object.assign(body, { instance });
  const { hash, line } = sealCanonical(body as Readonly<Record<string, unknown>>, 'hash');
  return { record: Object.assign(body, { hash }), line };
}

/** The hash a record must carry: SHA-256 over its canonical JSON without `hash`. */
export function hashOfRecord(record: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = { ...record };
  delete rest.hash;
  return sha256Hex(canonicalJson(rest));
}

/** The line a record is written as (without its newline): its canonical JSON. Pure. */
export function auditLine(record: AuditRecord): string {
  return canonicalJson(record);
}

/**
 * HMAC-SHA256 (hex) of the parameters' RFC 8785 canonical JSON: equal parameters give equal
 * values within one deployment, yet short values (SKUs, phone numbers) cannot be recovered by
 * guessing without the key, as a plain SHA-256 allowed (issue 14, item 7).
 * @throws AuditError AUDIT_WRITE_FAILED when the parameters cannot be canonicalised.
 */
export function parametersHmac(key: string | Buffer, parameters: unknown): string {
  return createHmac('sha256', key).update(canonicalJson(parameters)).digest('hex');
}

function invocationBody(
  e: AuditInvocationEntry,
  prev: string,
  key: string | Buffer,
): Mutable<Omit<InvocationAuditRecord, 'hash'>> {
  // Built field by field: optional fields are present only when defined, so absent and undefined
  // hash alike.
  const body: Mutable<Omit<InvocationAuditRecord, 'hash'>> = {
    kind: 'invocation',
    time: e.time,
    invocationId: e.invocationId,
    tool: e.tool,
    parametersHmac: parametersHmac(key, e.parameters),
    outcome: e.outcome,
    durationMs: e.durationMs,
    prev,
  };
  if (e.conversationId !== undefined) body.conversationId = e.conversationId;
  if (e.userId !== undefined) body.userId = e.userId;
  if (e.correlationId !== undefined) body.correlationId = e.correlationId;
  if (e.errorCode !== undefined) body.errorCode = e.errorCode;
  return body;
}

function changeBody(
  c: RegistryChange,
  prev: string,
): Mutable<Omit<RegistryChangeAuditRecord, 'hash'>> {
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
  return body;
}

function refusedBody(
  r: RefusedCalls,
  prev: string,
): Mutable<Omit<RefusedCallsAuditRecord, 'hash'>> {
  const body: Mutable<Omit<RefusedCallsAuditRecord, 'hash'>> = {
    kind: 'refused-calls',
    reason: r.reason,
    count: r.count,
    firstTime: r.firstTime,
    lastTime: r.lastTime,
    remoteAddresses: [...r.remoteAddresses],
    moreAddresses: r.moreAddresses,
    prev,
  };
  // Present only when defined: records of refusals before authentication hash as before.
  if (r.tool !== undefined) body.tool = r.tool;
  if (r.caller !== undefined) body.caller = r.caller;
  return body;
}

/**
 * The next record of the chain after `previous` (undefined for the first one). Pure: the
 * parameters are reduced to an HMAC of their canonical JSON under `hmacKey` and never copied.
 * @throws AuditError AUDIT_WRITE_FAILED when the parameters cannot be canonicalised.
 */
export function nextAuditRecord(
  previous: { readonly hash: string } | undefined,
  input: AuditInput,
  hmacKey: string | Buffer,
): AuditRecord {
  return sealNextRecord(previous, input, hmacKey).record;
}

/**
 * `nextAuditRecord` and the record's line (`auditLine`), from one canonical serialisation. Pure.
 * @throws AuditError AUDIT_WRITE_FAILED when the parameters cannot be canonicalised.
 */
export function sealNextRecord(
  previous: { readonly hash: string } | undefined,
  input: AuditInput,
  hmacKey: string | Buffer,
): SealedRecord {
  const prev = previous?.hash ?? GENESIS_HASH;
  switch (input.kind) {
    case 'invocation':
      return withHash(invocationBody(input.entry, prev, hmacKey), input.instance);
    case 'registry-change':
      return withHash(changeBody(input.change, prev), input.instance);
    case 'refused-calls':
      return withHash(refusedBody(input.refused, prev), input.instance);
    case 'sink-recovered':
      return withHash(
        {
          kind: 'sink-recovered' as const,
          time: input.recovered.time,
          failingSince: input.recovered.failingSince,
          failedRecords: input.recovered.failedRecords,
          prev,
        },
        input.instance,
      );
  }
}
