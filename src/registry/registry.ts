/**
 * The `Registry` interface (DESIGN "Layout": `src/registry/`): where tools are registered, seen
 * through a target-neutral, comparable form so that `plan` never needs to know the target.
 */
import type { TargetName, ToolDefinition } from '../definition/index.js';
import type { ClientEvent } from '../genesys/index.js';
import type { LeaseHolder, LeaseOptions, WriteLease } from './write-lease.js';
import type { SetupChange } from './integration-prepare.js';

/** A plain JSON value as the comparison sees it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The normalised, comparable form of a registration: key order, defaults and whitespace are
 * settled so that equal meaning gives equal data.
 */
export interface ComparableSpec {
  /** Fields the target cannot change in place (data-action contracts): a difference is a replace. */
  readonly fixed: { readonly [key: string]: JsonValue };
  /** Fields an update changes in place. */
  readonly mutable: { readonly [key: string]: JsonValue };
  /**
   * Digests of the descriptions a data action's contract holds (issue 15 item 12): written when
   * the action is created and never compared for a replace or an update; `plan` reports a
   * difference. Absent on targets whose descriptions change in place (gateway).
   */
  readonly descriptions?: DescriptionDigests | undefined;
}

/** Digests of a contract's descriptions and titles, in two parts. */
export interface DescriptionDigests {
  /** The tool's description (the input schema's own `description`, `title`). */
  readonly tool: string;
  /** Every other one: parameters and output fields. */
  readonly fields: string;
}

/** A tool as the target wants it: its comparable form, and the body to send. */
export interface DesiredEntry {
  readonly name: string;
  readonly spec: ComparableSpec;
  /** The target's create/update body (PostActionInput or the gateway payload). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A registration found in the org. */
export interface RemoteEntry {
  readonly id: string;
  readonly name: string;
  readonly version: number | undefined;
  /** True when it is in the managed scope (category, or the gateway marker). */
  readonly managed: boolean;
  readonly spec: ComparableSpec;
  /** Published, draft, active... as the target reports it. */
  readonly status: string | undefined;
  /** Where it sends calls. */
  readonly endpoint: string | undefined;
  /** ISO time of the last change, when the target reports one (data actions do not, §10.1). */
  readonly modifiedAt: string | undefined;
  /** SHA-256 of what the listing shows of it: a saved plan is stale when one changes. */
  readonly fingerprint: string;
}

/**
 * A data action created by a replace carries this suffix until the old one is gone: the platform
 * may refuse two actions of one name in an integration (reference §10.5), so the new one is
 * renamed to the tool's name only after the old one is deleted.
 */
export const REPLACING_SUFFIX = ' (replacing)';

/** The tool name a registration stands for (its name without REPLACING_SUFFIX). */
export function baseName(name: string): string {
  return name.endsWith(REPLACING_SUFFIX) ? name.slice(0, -REPLACING_SUFFIX.length) : name;
}

/** The name a replace creates the new registration under. */
export function replacingName(name: string): string {
  return `${name}${REPLACING_SUFFIX}`;
}

/** What a write answered: the registration as it now is, and the call's correlation id. */
export interface WriteResult {
  readonly entry: RemoteEntry;
  readonly correlationId: string | undefined;
}

/** What an execute/invoke returned. */
export interface InvokeResult {
  readonly id: string;
  readonly output: unknown;
}

/** Options every call that can wait takes. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Options of `list`. */
export interface ListOptions extends CallOptions {
  /**
   * The desired form of a tool, asked lazily once the target knows its integration: a target
   * reads a registration in full only when the cheap listing cannot tell it from this.
   */
  readonly desiredFor?: ((name: string) => DesiredEntry | undefined) | undefined;
}

/** A registry target: data actions in Genesys Cloud, or an LLM gateway's tools API. */
export interface Registry {
  readonly target: TargetName;
  /** Human words for the managed scope (`category "genesys-tools"`). */
  readonly scope: string;
  /** Translates a tool into what this target wants (pure). */
  desired(tool: ToolDefinition): DesiredEntry;
  /**
   * Managed registrations, plus unmanaged ones named in `names` (ownership conflicts). Entries
   * whose name carries REPLACING_SUFFIX stand for their base name.
   */
  list(names: readonly string[], options?: ListOptions): Promise<readonly RemoteEntry[]>;
  /** Managed registrations named exactly `name` (re-listed after an ambiguous create). */
  findManaged(name: string, options?: CallOptions): Promise<readonly RemoteEntry[]>;
  /** Ids of the managed registrations the listing shows now (one listing, no full reads). */
  listedIds(options?: CallOptions): Promise<ReadonlySet<string>>;
  /** Reads one registration again (after a 409). */
  get(id: string, options?: CallOptions): Promise<RemoteEntry>;
  /** Readies the target for changes (integration, credential, enabling); idempotent. */
  prepare(options?: CallOptions): Promise<void>;
  /** What `prepare` would change, read without writing; absent on targets that prepare nothing. */
  preparation?(options?: CallOptions): Promise<readonly SetupChange[]>;
  /**
   * Takes the write lease of the managed scope, arbitrated by the platform (data actions: a
   * compare-and-swap on the integration config's version). Absent on targets without one.
   * @throws SyncError SYNC_LOCKED naming the holder when another live run holds it after the wait.
   */
  lease?(holder: LeaseHolder, options: LeaseOptions): Promise<WriteLease>;
  /**
   * Creates a registration, named `options.name` when given (a replace's temporary name). Not
   * retried here: the caller re-lists after an ambiguous failure.
   */
  create(
    desired: DesiredEntry,
    options?: CallOptions & { readonly name?: string },
  ): Promise<WriteResult>;
  /** Changes `remote` in place to `desired`, sending `remote.version`; a stale one: GENESYS_CONFLICT. */
  update(remote: RemoteEntry, desired: DesiredEntry, options?: CallOptions): Promise<WriteResult>;
  /** Removes a registration; answers the correlation id. */
  remove(
    id: string,
    options?: CallOptions,
  ): Promise<{ readonly correlationId: string | undefined }>;
  /**
   * Follows the events of the client this registry talks through (retries, rate-limit waits)
   * until the answered function is called. Set by `createRegistry`; absent otherwise.
   */
  watch?(listener: (event: ClientEvent) => void): () => void;
  /** Runs the registration the way the platform does (data action execute, gateway invoke). */
  invoke(
    remote: RemoteEntry,
    input: Readonly<Record<string, unknown>>,
    options?: CallOptions,
  ): Promise<InvokeResult>;
}
