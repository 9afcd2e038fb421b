/**
 * The one error hierarchy of genesys-tools (STYLE §4). Every code lives in ERROR_CATALOGUE with
 * the fix a user should apply; docs/errors.md is generated from it and a test keeps the two equal.
 * This file is a leaf: it imports nothing of ours.
 */
// Subclass constructors narrow `code` to their family and make the protected base constructor
// public; the lint rule cannot see the narrowing.
/* eslint-disable @typescript-eslint/no-useless-constructor */

/** Error families; each maps to a class and to a CLI exit code. */
export type ErrorFamily =
  'config' | 'definition' | 'genesys' | 'sync' | 'binding' | 'invocation' | 'audit' | 'emulator';

interface CatalogueEntry {
  readonly family: ErrorFamily;
  readonly summary: string;
  readonly fix: string;
}

/** Every error code with what it means and how to fix it. Codes are stable: never rename or reuse one. */
export const ERROR_CATALOGUE = {
  // config
  CONFIG_INVALID: {
    family: 'config',
    summary: 'An option or environment variable has a value outside its accepted range.',
    fix: 'Correct the named option; the message lists the accepted values.',
  },
  CONFIG_MISSING: {
    family: 'config',
    summary: 'A required setting is not set.',
    fix: 'Set the named environment variable or flag.',
  },
  CONFIG_UNKNOWN_REGION: {
    family: 'config',
    summary: 'GENESYS_CLOUD_REGION is not a known Genesys Cloud region.',
    fix: 'Use an AWS region name (us-east-1), an SDK key (us_east_1) or a domain (mypurecloud.com); the message lists them.',
  },
  CONFIG_FILE_INVALID: {
    family: 'config',
    summary: 'The config file cannot be read or does not match its schema.',
    fix: 'Fix the file at the position named in the message.',
  },
  CONFIG_USAGE: {
    family: 'config',
    summary: 'A command was called with wrong arguments.',
    fix: 'Run the command with --help for its usage.',
  },
  CONFIG_PORT_IN_USE: {
    family: 'config',
    summary: 'A port the command was told to listen on is taken by another process.',
    fix: 'Stop the other process, or choose another port with the flag named in the message (0 picks a free one).',
  },
  // definition
  DEFINITION_INVALID: {
    family: 'definition',
    summary: 'A tool definition does not match the definition schema.',
    fix: 'Correct the field at the JSON pointer named in the message.',
  },
  DEFINITION_INVALID_NAME: {
    family: 'definition',
    summary: 'A tool or parameter name breaks the naming pattern.',
    fix: 'Tool names match ^[A-Za-z][A-Za-z0-9_-]{0,63}$; data-action input names match ^[A-Za-z][A-Za-z0-9_-]*$.',
  },
  DEFINITION_DUPLICATE_NAME: {
    family: 'definition',
    summary: 'Two tool files define the same tool name.',
    fix: 'Rename one of the two tools named in the message, or remove one file.',
  },
  DEFINITION_TOO_MANY_PARAMETERS: {
    family: 'definition',
    summary: 'A tool has more top-level parameters than the target allows.',
    fix: 'Keep at most 10 top-level parameters; group related values or split the tool.',
  },
  DEFINITION_UNSUPPORTED_TYPE: {
    family: 'definition',
    summary: 'A parameter uses a type the target does not support.',
    fix: 'Use string, number, integer, boolean, array or object (data-actions inputs: string, integer, number, boolean); dates are strings with format "date".',
  },
  DEFINITION_DESCRIPTION_TOO_LONG: {
    family: 'definition',
    summary: 'A description is longer than 255 characters.',
    fix: 'Shorten the description to 255 characters or fewer.',
  },
  DEFINITION_REF_NOT_ALLOWED: {
    family: 'definition',
    summary: 'The schema uses $ref, which Genesys contracts do not support.',
    fix: 'Inline the referenced schema.',
  },
  DEFINITION_DEPRECATED_KEYWORD: {
    family: 'definition',
    summary: 'The schema uses a keyword removed from JSON Schema 2020-12.',
    fix: 'Use prefixItems/items instead of additionalItems, dependentRequired/dependentSchemas instead of dependencies, $defs instead of definitions (and inline them).',
  },
  DEFINITION_SCHEMA_INVALID: {
    family: 'definition',
    summary: 'The schema does not pass the JSON Schema 2020-12 meta-schema.',
    fix: 'Correct the keyword at the JSON pointer named in the message.',
  },
  DEFINITION_NESTED_INPUT: {
    family: 'definition',
    summary: 'A data-action input contract must be flat; it has an object or array parameter.',
    fix: 'Flatten the parameter into top-level string, integer, number or boolean inputs, or use the gateway target.',
  },
  DEFINITION_RESERVED_NAME: {
    family: 'definition',
    summary:
      'A parameter uses a reserved name: an `Object.prototype` member (`constructor`, `toString`, `valueOf`, `__proto__`...), which every JavaScript object already has, or, for a data-action input, a name Genesys reserves (orgId, integrationId, rawRequest).',
    fix: 'Rename the parameter.',
  },
  DEFINITION_NESTED_ARRAY: {
    family: 'definition',
    summary: 'A data-action output contract contains an array of arrays.',
    fix: 'Wrap the inner array in an object property.',
  },
  DEFINITION_INVALID_POLICY: {
    family: 'definition',
    summary: 'A rate limit, timeout, retry, concurrency or breaker setting is out of range.',
    fix: 'Use a value inside the range named in the message.',
  },
  DEFINITION_PARSE_ERROR: {
    family: 'definition',
    summary: 'A YAML or JSON manifest is not well-formed.',
    fix: 'Fix the syntax at the line and column named in the message.',
  },
  DEFINITION_EMPTY_FILE: {
    family: 'definition',
    summary: 'A manifest file is empty.',
    fix: 'Write a tool manifest into the file or delete it.',
  },
  DEFINITION_UNKNOWN_FIELD: {
    family: 'definition',
    summary: 'A manifest or definition has a field that is not part of the format.',
    fix: 'Remove or rename the field named in the message.',
  },
  DEFINITION_IMPORT_FAILED: {
    family: 'definition',
    summary: 'A tool module threw while it was imported.',
    fix: 'Fix the error the module raised (shown in the message); run it with node to see the stack.',
  },
  DEFINITION_NO_DEFAULT_EXPORT: {
    family: 'definition',
    summary: 'A tool module has no default export made with defineTool().',
    fix: 'Add `export default defineTool({...})` to the module.',
  },
  DEFINITION_NOT_FOUND: {
    family: 'definition',
    summary: 'A tool path does not exist or holds no tool files.',
    fix: 'Check the path; tool files end in .tool.ts, .tool.js, .yaml, .yml or .json.',
  },
  DEFINITION_FILE_SKIPPED: {
    family: 'definition',
    summary:
      'Warning: an entry under a tool directory was not loaded: a symbolic link that loops or leads to a directory already read, a directory that cannot be read, or something that is not a file.',
    fix: 'Fix or remove the entry named in the message; if it held tools, plan --prune would delete them.',
  },
  DEFINITION_TOO_MANY_GUIDE_INPUTS: {
    family: 'definition',
    summary: 'Warning: an AI Guide can use only 4 inputs of a data action.',
    fix: 'Keep at most 4 inputs if the tool is meant for AI Guides.',
  },
  DEFINITION_INPUT_TYPE_LIST: {
    family: 'definition',
    summary:
      'A data-action input (or an entry of the parameter map) has more than one type, such as ["string","null"] or the anyOf that zod writes for .nullable(); Genesys accepts exactly one of string, integer, number, boolean.',
    fix: 'Give the input one type. An optional input is one that is not required: in zod write .optional() instead of .nullable(); in a manifest drop "null" from "type" and leave the input out of "required" (in the parameter map: required: false).',
  },
  DEFINITION_UNSAFE_PATTERN: {
    family: 'definition',
    summary:
      'A "pattern" (or "patternProperties" key) may take exponential time on a crafted input (catastrophic backtracking): safe-regex2 finds a quantifier inside a quantified group, more than 25 quantifiers, or syntax it cannot read.',
    fix: 'Rewrite the pattern without a quantifier inside a quantified group, e.g. ^(a+)+$ as ^a+$; an optional group (x)? can be written (x|).',
  },
  DEFINITION_NOT_DRAFT_04: {
    family: 'definition',
    summary:
      'Warning: a keyword has no draft-04 equivalent; a Genesys contract will not enforce it.',
    fix: 'Express the rule with draft-04 keywords (enum, items, minimum...) or accept that only the execution server enforces it.',
  },
  DEFINITION_NO_ENDPOINT: {
    family: 'definition',
    summary:
      'A tool without a handler (a YAML/JSON manifest) names no endpoint: `serve` cannot run it, so its registration would call an execution URL that can only answer 404. validate, plan and apply refuse it.',
    fix: 'Add `endpoint: https://...` to the manifest, or write the tool as a .tool.ts module that serve runs.',
  },
  DEFINITION_INVALID_ENDPOINT: {
    family: 'definition',
    summary:
      "A tool's `endpoint` is not an absolute https:// URL (http:// only to localhost or 127.0.0.1), carries a user name, password, fragment or Velocity character ($ #), or sits on a tool that has a handler.",
    fix: 'Give the full https:// URL that answers the invocation contract (POST {tool_name, parameters}), or drop `endpoint` from a tool that serve runs.',
  },
  // genesys
  GENESYS_AUTH_FAILED: {
    family: 'genesys',
    summary: 'The OAuth token request was refused (invalid_client) or an API call answered 401.',
    fix: 'Check GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET, and GENESYS_CLOUD_REGION: an org lives in one region only.',
  },
  GENESYS_FORBIDDEN: {
    family: 'genesys',
    summary: 'Genesys Cloud answered 403: the OAuth client role lacks a permission.',
    fix: "Add the permission named in the message to the OAuth client's role (Admin > Roles).",
  },
  GENESYS_NOT_FOUND: {
    family: 'genesys',
    summary: 'Genesys Cloud answered 404 for the entity.',
    fix: 'Check the id; the entity may have been deleted.',
  },
  GENESYS_CONFLICT: {
    family: 'genesys',
    summary: 'Genesys Cloud answered 409: a version conflict or a name already taken.',
    fix: 'Re-read the entity and retry; run plan again to see the current state.',
  },
  GENESYS_VALIDATION: {
    family: 'genesys',
    summary: 'Genesys Cloud refused the request body (400/422).',
    fix: 'Correct the fields listed in details; run validate with --target data-actions first.',
  },
  GENESYS_RATE_LIMITED: {
    family: 'genesys',
    summary: 'Genesys Cloud answered 429 and retries were exhausted.',
    fix: 'Lower the client rate limit or concurrency, or wait the Retry-After time.',
  },
  GENESYS_UNAVAILABLE: {
    family: 'genesys',
    summary: 'Genesys Cloud answered 5xx, the connection failed or the request timed out.',
    fix: 'Retry later; check network access to the API host.',
  },
  GENESYS_UNEXPECTED_RESPONSE: {
    family: 'genesys',
    summary: 'Genesys Cloud answered with a body that does not match the expected shape.',
    fix: 'Check GENESYS_CLOUD_API_URL points at a Genesys Cloud API; report it with the correlation id.',
  },
  GENESYS_PAGING_RUNAWAY: {
    family: 'genesys',
    summary: 'A listing did not end within the page guard.',
    fix: 'Report it with the correlation id; the server kept returning pages.',
  },
  GENESYS_JOB_FAILED: {
    family: 'genesys',
    summary: 'A Genesys Cloud job (a guide or agent publish) ended in Failed.',
    fix: 'Read the job errors in the message (e.g. an action that no longer exists), fix them and start the job again.',
  },
  GENESYS_JOB_TIMEOUT: {
    family: 'genesys',
    summary: 'A Genesys Cloud job did not finish within the wait allowed.',
    fix: 'Look at the guide or agent in AI Studio; run the command again once the job has ended.',
  },
  GENESYS_EXECUTION_FAILED: {
    family: 'genesys',
    summary:
      "A data action execution failed in Genesys Cloud, or a gateway tool's endpoint refused the call (its own 401/403, passed through).",
    fix: "Run invoke with --json for the stage (ACTION.REMOTE_ENDPOINT, ACTION.PROCESSING, or the tool endpoint's error_code) and the remote answer; a tool's UNAUTHORIZED means the credential it was sent, not the OAuth client.",
  },
  // sync
  SYNC_APPLY_FAILED: {
    family: 'sync',
    summary: 'Some changes of an apply failed; the rest were applied.',
    fix: 'Read the listed failures, fix their cause and run apply again: it completes the job.',
  },
  SYNC_APPLY_STOPPED: {
    family: 'sync',
    summary:
      'An apply stopped because a change could not be recorded (the audit log could not be written); changes in flight finished, no new one started.',
    fix: 'Fix the cause in the message (disk space, permissions of the audit file) and run apply again: it converges.',
  },
  SYNC_LOCKED: {
    family: 'sync',
    summary:
      'Another apply (or destroy) holds the write lease of this category and integration; nothing was changed.',
    fix: 'Wait for the run named in the message, or pass --lock-timeout MS to wait for it; in CI, also put the sync jobs in one concurrency group.',
  },
  SYNC_LEASE_LOST: {
    family: 'sync',
    summary:
      'The write lease expired without renewal and another run took it over while this apply ran; it stopped.',
    fix: 'Run plan to see the state and apply again; check that the run was not paused for longer than the lease (120 s).',
  },
  SYNC_REPLACE_NOT_ALLOWED: {
    family: 'sync',
    summary: 'The plan replaces a data action (new id) and --allow-replace was not given.',
    fix: 'Re-run apply with --allow-replace after updating what references the old action id.',
  },
  SYNC_UNMANAGED_CONFLICT: {
    family: 'sync',
    summary: 'An action with the tool name exists outside the managed category.',
    fix: 'Rename the tool, delete the other action, or take it over with --adopt.',
  },
  SYNC_PLAN_STALE: {
    family: 'sync',
    summary: 'The saved plan no longer matches the remote state.',
    fix: 'Run plan again and apply the new plan.',
  },
  SYNC_PLAN_FILE_INVALID: {
    family: 'sync',
    summary: 'The saved plan file cannot be read.',
    fix: 'Create it again with plan --out FILE.',
  },
  SYNC_NOT_APPROVED: {
    family: 'sync',
    summary: 'The change was not approved.',
    fix: 'Answer yes at the prompt or pass --auto-approve.',
  },
  SYNC_ABORTED: {
    family: 'sync',
    summary: 'The apply was interrupted.',
    fix: 'Run apply again: it converges from where it stopped.',
  },
  SYNC_NOT_FOUND: {
    family: 'sync',
    summary: 'The tool is not registered in the org.',
    fix: 'Run apply first, or check the tool name with list.',
  },
  SYNC_INTEGRATION_AMBIGUOUS: {
    family: 'sync',
    summary: 'More than one Web Services Data Actions integration has the configured name.',
    fix: 'Pick one with --integration-id ID (or integrationId in the config file), or rename the others.',
  },
  SYNC_INTEGRATION_NOT_OURS: {
    family: 'sync',
    summary:
      'The integration holds a credential this project did not create (another name or type), or is not a Web Services Data Actions integration; nothing was changed.',
    fix: 'Use an integration of your own: name a new one with integrationName, or pick one with --integration-id whose credential slot is empty or holds the genesys-tools credential.',
  },
  SYNC_NOT_SETTLED: {
    family: 'sync',
    summary:
      'The org did not show a change within the bounded wait (a deleted action still reads as present).',
    fix: 'Run apply again in a moment: it checks and converges. Raise --delete-wait or --settle-timeout if the org is slow.',
  },
  SYNC_BINDINGS_FAILED: {
    family: 'sync',
    summary:
      'Binding the tools to a guide or agent failed; old actions were not deleted so that nothing points at a deleted action.',
    fix: 'Fix the cause named in the message (publish errors, permissions) and run apply again: it converges.',
  },
  // binding (tools given to AI Guides and agentic virtual agents, issue 13)
  BINDING_INVALID: {
    family: 'binding',
    summary: 'The guides or agents of the config file have errors.',
    fix: 'Run validate --config FILE and fix each problem it lists.',
  },
  BINDING_UNKNOWN_TOOL: {
    family: 'binding',
    summary: 'A guide or agent binds a tool that no tool file defines.',
    fix: 'Use the name of a tool the tool files define (genesys-tools validate lists them), or add the tool.',
  },
  BINDING_INVALID_LABEL: {
    family: 'binding',
    summary: 'A guide label is not an identifier.',
    fix: 'Use a label matching ^[A-Za-z][A-Za-z0-9_]*$ (letters, digits, underscores; a letter first), e.g. CheckInventory.',
  },
  BINDING_DUPLICATE_LABEL: {
    family: 'binding',
    summary: 'Two data actions of one guide have the same label.',
    fix: 'Give each tool of the guide its own label.',
  },
  BINDING_DUPLICATE_TOOL: {
    family: 'binding',
    summary: 'A guide or agent binds the same tool twice.',
    fix: 'Remove the second entry of the tool.',
  },
  BINDING_TOO_MANY_ACTIONS: {
    family: 'binding',
    summary: 'A guide would hold more than 5 data actions.',
    fix: 'Bind at most 5 data actions to a guide (counting the ones not managed here), or split the guide.',
  },
  BINDING_TOO_MANY_INPUTS: {
    family: 'binding',
    summary: 'A tool bound to a guide has more than 4 inputs; a guide can use only 4.',
    fix: 'Keep the tool at 4 inputs or fewer (a narrower tool for the guide), or bind it to an agent instead.',
  },
  BINDING_INSTRUCTION_NOT_FOUND: {
    family: 'binding',
    summary: "A guide's instruction file does not exist.",
    fix: 'Check the path; it is relative to the config file.',
  },
  BINDING_UNBOUND_LABEL: {
    family: 'binding',
    summary: 'A guide instruction names {{Action.X}} for a label the guide does not bind.',
    fix: 'Bind a tool with that label to the guide, or correct the name in the instruction.',
  },
  BINDING_LABEL_NOT_USED: {
    family: 'binding',
    summary: 'Warning: a guide binds a label its instruction never names.',
    fix: 'Name the action as {{Action.Label}} in the instruction so that the guide can call it, or unbind it.',
  },
  BINDING_TARGET_NOT_FOUND: {
    family: 'binding',
    summary: 'A configured guide or agent does not exist in the org.',
    fix: 'Create it in AI Studio, or name the right one (name: or id: in the config file); genesys-tools does not create guides or agents.',
  },
  BINDING_TARGET_AMBIGUOUS: {
    family: 'binding',
    summary: 'More than one guide or agent has the configured name.',
    fix: 'Pin the one to use with id: in the config file (the message lists the ids).',
  },
  BINDING_PUBLISH_FAILED: {
    family: 'binding',
    summary: 'A guide or agent version could not be written or published.',
    fix: 'Fix the cause named in the message, then run apply again: old actions are deleted only after every guide and agent is published, so a rerun converges.',
  },
  // invocation (wire codes of the execution server, DESIGN "Invocation contract")
  INVALID_PAYLOAD: {
    family: 'invocation',
    summary: 'The body is not JSON, or envelope fields are missing or of the wrong type.',
    fix: 'Send {"tool_name": "...", "parameters": {...}} as application/json.',
  },
  TOOL_NAME_MISMATCH: {
    family: 'invocation',
    summary: 'tool_name in the body differs from the tool in the path.',
    fix: "Make the request template's tool_name equal to the path's tool name.",
  },
  UNAUTHORIZED: {
    family: 'invocation',
    summary: 'Caller credentials are missing or wrong, or the signature is stale or replayed.',
    fix: 'Check GENESYS_TOOLS_BEARER_TOKEN / BASIC_AUTH / SIGNING_SECRET and the data action credential.',
  },
  UNKNOWN_TOOL: {
    family: 'invocation',
    summary: 'No tool with this name is served here.',
    fix: 'Check the tool name and the --tools directory of serve.',
  },
  PAYLOAD_TOO_LARGE: {
    family: 'invocation',
    summary: 'The request body is over the size limit.',
    fix: 'Send a smaller body (default limit 512,000 bytes).',
  },
  INVALID_PARAMETERS: {
    family: 'invocation',
    summary: "The parameters do not match the tool's schema.",
    fix: 'Correct the parameters at the listed paths.',
  },
  RATE_LIMITED: {
    family: 'invocation',
    summary: "The tool's rateLimit is exceeded.",
    fix: 'Retry after the Retry-After seconds, or raise the tool rateLimit.',
  },
  OVERLOADED: {
    family: 'invocation',
    summary: "The tool's concurrency limit and queue are full.",
    fix: 'Retry shortly, or raise the tool concurrency limit.',
  },
  STORE_UNAVAILABLE: {
    family: 'invocation',
    summary:
      "The shared store (Redis, GENESYS_TOOLS_REDIS_URL) that holds the tool's rate limit or the signed-call replay cache is unreachable, and the policy is to refuse rather than guess.",
    fix: 'Bring Redis back (see /readyz and genesys_tools_shared_state_up); or give the tool rateLimit.onStoreDown: local-share to serve a per-replica share of the limit meanwhile.',
  },
  CIRCUIT_OPEN: {
    family: 'invocation',
    summary: "The tool's circuit breaker is open after repeated failures.",
    fix: 'Fix what makes the tool fail (see the server log); it is probed again after Retry-After seconds.',
  },
  CALLER_GONE: {
    family: 'invocation',
    summary:
      'The caller closed its connection, or cancelled the call (MCP notifications/cancelled), before the reply; the call was cancelled (recorded with HTTP 499, never sent).',
    fix: "Nothing to fix on the server; if callers give up early, raise their timeout (the data action's timeoutSeconds).",
  },
  TOOL_EXECUTION_TIMEOUT: {
    family: 'invocation',
    summary: "The handler did not finish within the tool's timeoutMs.",
    fix: 'Make the handler faster or raise timeoutMs (at most 60,000 ms).',
  },
  EXECUTION_FAILURE: {
    family: 'invocation',
    summary: 'The handler threw or returned output that breaks its schema.',
    fix: 'Look up the invocation id in the server log for the cause.',
  },
  // audit
  AUDIT_WRITE_FAILED: {
    family: 'audit',
    summary: 'An audit record could not be written to disk.',
    fix: 'Check the audit file path, its permissions and free disk space.',
  },
  AUDIT_CHAIN_BROKEN: {
    family: 'audit',
    summary: 'An audit record does not match its hash or the previous record.',
    fix: 'The file was changed or records are missing from the named line on; keep the file as evidence.',
  },
  AUDIT_FILE_UNREADABLE: {
    family: 'audit',
    summary: 'An audit file cannot be read or a line is not a JSON record.',
    fix: 'Check the path and that the file is an audit log written by genesys-tools.',
  },
  AUDIT_FILE_UNSAFE: {
    family: 'audit',
    summary: 'The audit path is a symbolic link or not a regular file.',
    fix: 'Give the real path of a regular file (or of one to be created) as the audit file.',
  },
  AUDIT_FILE_LOCKED: {
    family: 'audit',
    summary: 'Another process is writing the audit file (its lock file FILE.lock names it).',
    fix: 'Give each writer its own audit file; delete FILE.lock only when the process it names is gone.',
  },
  AUDIT_RECORD_TOO_LARGE: {
    family: 'audit',
    summary: 'An audit record is larger than the record size cap.',
    fix: 'Bound the ids given to the audit log (the server does); raise maxRecordBytes only if needed.',
  },
  // emulator
  EMULATOR_STORE_CORRUPT: {
    family: 'emulator',
    summary: "The emulator's data directory holds a file that cannot be parsed.",
    fix: 'Restore the file or start with an empty --data-dir; it is never reset silently.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Every stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;
type CodeOf<F extends ErrorFamily> = {
  [K in ErrorCode]: (typeof ERROR_CATALOGUE)[K]['family'] extends F ? K : never;
}[ErrorCode];
export type ConfigErrorCode = CodeOf<'config'>;
export type DefinitionErrorCode = CodeOf<'definition'>;
export type GenesysErrorCode = CodeOf<'genesys'>;
export type SyncErrorCode = CodeOf<'sync'>;
export type BindingErrorCode = CodeOf<'binding'>;
export type InvocationErrorCode = CodeOf<'invocation'>;
export type AuditErrorCode = CodeOf<'audit'>;
export type EmulatorErrorCode = CodeOf<'emulator'>;

const BRAND = Symbol.for('genesys-tools.error');

export interface ErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base of every error genesys-tools raises: a stable `code`, a message that says how to fix it. */
export abstract class GenesysToolsError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly [BRAND] = true;

  protected constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.name = new.target.name;
  }

  /** The fix the catalogue pairs with this error's code. */
  get fix(): string {
    return ERROR_CATALOGUE[this.code].fix;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True for any genesys-tools error, even one from a second installed copy of the package. */
export function isGenesysToolsError(value: unknown): value is GenesysToolsError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

export class ConfigError extends GenesysToolsError {
  declare readonly code: ConfigErrorCode;
  constructor(code: ConfigErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export interface DefinitionErrorOptions extends ErrorOptions {
  /** JSON pointer of the bad field ('' for the whole document). */
  readonly pointer?: string;
  /** The file the definition came from. */
  readonly file?: string;
}

export class DefinitionError extends GenesysToolsError {
  declare readonly code: DefinitionErrorCode;
  readonly pointer: string;
  readonly file: string | undefined;
  constructor(code: DefinitionErrorCode, message: string, options: DefinitionErrorOptions = {}) {
    super(code, message, options);
    this.pointer = options.pointer ?? '';
    this.file = options.file;
  }
}

export interface GenesysApiErrorOptions extends ErrorOptions {
  readonly status: number;
  /** Genesys' own dotted error code (`bad.request`, `invalid_client`, ...). */
  readonly genesysCode?: string;
  readonly contextId?: string;
  readonly correlationId?: string;
  readonly method?: string;
  readonly path?: string;
  readonly retryAfterMs?: number;
}

/** An answer of the Genesys Cloud API (or the network on the way to it) that is not a success. */
export class GenesysApiError extends GenesysToolsError {
  declare readonly code: GenesysErrorCode;
  readonly status: number;
  readonly genesysCode: string | undefined;
  readonly contextId: string | undefined;
  readonly correlationId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(code: GenesysErrorCode, message: string, options: GenesysApiErrorOptions) {
    super(code, message, options);
    this.status = options.status;
    this.genesysCode = options.genesysCode;
    this.contextId = options.contextId;
    this.correlationId = options.correlationId;
    this.method = options.method;
    this.path = options.path;
    this.retryAfterMs = options.retryAfterMs;
  }
}
export class GenesysAuthError extends GenesysApiError {}
export class GenesysForbiddenError extends GenesysApiError {}
export class GenesysNotFoundError extends GenesysApiError {}
export class GenesysConflictError extends GenesysApiError {}
export class GenesysValidationError extends GenesysApiError {}
export class GenesysRateLimitError extends GenesysApiError {}
export class GenesysUnavailableError extends GenesysApiError {}

export class SyncError extends GenesysToolsError {
  declare readonly code: SyncErrorCode;
  constructor(code: SyncErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** A problem with the tools given to AI Guides and agentic virtual agents. */
export class BindingError extends GenesysToolsError {
  declare readonly code: BindingErrorCode;
  constructor(code: BindingErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

const INVOCATION_STATUS = {
  INVALID_PAYLOAD: 400,
  TOOL_NAME_MISMATCH: 400,
  UNAUTHORIZED: 401,
  UNKNOWN_TOOL: 404,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PARAMETERS: 422,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  CIRCUIT_OPEN: 503,
  STORE_UNAVAILABLE: 503,
  TOOL_EXECUTION_TIMEOUT: 504,
  EXECUTION_FAILURE: 500,
  // nginx's "client closed request": recorded in logs, metrics and the audit, never sent.
  CALLER_GONE: 499,
} as const satisfies Record<InvocationErrorCode, number>;

export interface InvocationErrorOptions extends ErrorOptions {
  readonly retryAfterMs?: number;
}

/** An error of the execution server, carrying the wire `error_code` and its HTTP status. */
export class InvocationError extends GenesysToolsError {
  declare readonly code: InvocationErrorCode;
  readonly httpStatus: number;
  readonly retryAfterMs: number | undefined;
  constructor(code: InvocationErrorCode, message: string, options: InvocationErrorOptions = {}) {
    super(code, message, options);
    this.httpStatus = INVOCATION_STATUS[code];
    this.retryAfterMs = options.retryAfterMs;
  }
}

function isInvocationCode(value: unknown): value is InvocationErrorCode {
  return typeof value === 'string' && Object.hasOwn(INVOCATION_STATUS, value);
}

/**
 * The `InvocationError` a thrown value stands for, also when it comes from another copy of this
 * module: a tool loaded by `serve` imports the package's `errors.ts` on its own, so `instanceof`
 * fails (issue 14 §3). Recognised by the brand and an invocation code, and rebuilt with this
 * copy's class so its HTTP status is this server's; undefined for anything else.
 */
export function asInvocationError(value: unknown): InvocationError | undefined {
  if (value instanceof InvocationError) return value;
  if (!isGenesysToolsError(value) || !isInvocationCode(value.code)) return undefined;
  const message = typeof value.message === 'string' ? value.message : value.code;
  const details = 'details' in value && isPlainRecord(value.details) ? value.details : undefined;
  const retryAfterMs =
    'retryAfterMs' in value && typeof value.retryAfterMs === 'number'
      ? value.retryAfterMs
      : undefined;
  return new InvocationError(value.code, message, {
    cause: value,
    ...(details === undefined ? {} : { details }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function isPlainRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class AuditError extends GenesysToolsError {
  declare readonly code: AuditErrorCode;
  constructor(code: AuditErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export class EmulatorError extends GenesysToolsError {
  declare readonly code: EmulatorErrorCode;
  constructor(code: EmulatorErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
