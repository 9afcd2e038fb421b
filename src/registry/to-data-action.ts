/**
 * Tool → data action (DESIGN "Tool → data action"; reference §7.2, §8): the PostActionInput a tool
 * becomes, and the comparable form of both the desired and the remote action.
 */
import { createHash } from 'node:crypto';
import type { JsonSchema, ToolDefinition } from '../definition/index.js';
import { comparableText, normaliseJson, normaliseObject } from './comparable.js';
import { toDraft04 } from './draft04.js';
import type { ComparableSpec, JsonValue } from './registry.js';
import { isRecord } from '../is-record.js';

/** The category that marks the actions this project manages, unless configured otherwise. */
export const DEFAULT_CATEGORY = 'genesys-tools';

/** Seconds added to a tool's own timeout so that our server's timeout answer reaches Genesys. */
export const TIMEOUT_MARGIN_SECONDS = 2;

/** Genesys' default `timeoutSeconds` when an action sets none (reference §7.4). */
const GENESYS_DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * The request header that carries a digest of everything this project sets on the action. A
 * listing shows an action's config (headers included) but neither its contract nor its templates
 * (reference §10.1), so a plan reads an action in full only when the digest or a field the listing
 * shows differs: a no-change plan of N tools costs the listing's pages, not N + 2N requests.
 * Genesys sends it to the execution server with every call, which ignores it.
 */
export const SPEC_HEADER = 'X-Genesys-Tools-Spec';

/** What the translation needs besides the tool. */
export interface DataActionSettings {
  /** Public base URL of the execution server. */
  readonly executionUrl: string;
  readonly category: string;
  /** The Web Services Data Actions integration; empty while it does not exist yet (plan). */
  readonly integrationId: string;
}

/** `PostActionInput` (reference §7.2) as this project builds it. */
export type DataActionBody = {
  readonly name: string;
  readonly category: string;
  readonly integrationId: string;
  readonly secure: false;
  readonly contract: {
    readonly input: { readonly inputSchema: Record<string, unknown> };
    readonly output: { readonly successSchema: Record<string, unknown> };
  };
  readonly config: {
    readonly timeoutSeconds: number;
    readonly request: {
      readonly requestUrlTemplate: string;
      readonly requestType: 'POST';
      readonly headers: Readonly<Record<string, string>>;
      readonly requestTemplate: string;
    };
    readonly response: {
      readonly translationMap: Readonly<Record<string, string>>;
      readonly translationMapDefaults: Readonly<Record<string, string>>;
      readonly successTemplate: string;
    };
  };
};

/** The execution endpoint of a tool: `{executionUrl}/api/v1/tools/{name}`. */
export function toolEndpoint(executionUrl: string, name: string): string {
  return `${executionUrl.replace(/\/+$/, '')}/api/v1/tools/${encodeURIComponent(name)}`;
}

/** Where a tool's registration sends calls: its own `endpoint` (manifests), else the server's. */
export function requestUrlOf(tool: ToolDefinition, executionUrl: string): string {
  return tool.endpoint ?? toolEndpoint(executionUrl, tool.name);
}

/** `timeoutMs` rounded up to seconds plus the margin, within Genesys' 1–60 (reference §7.4). */
export function timeoutSecondsFor(timeoutMs: number): number {
  const seconds = Math.ceil(timeoutMs / 1000) + TIMEOUT_MARGIN_SECONDS;
  return Math.min(60, Math.max(1, seconds));
}

function inputSchemaFor(tool: ToolDefinition): Record<string, unknown> {
  return { ...toDraft04(tool.inputSchema), description: tool.description };
}

function successSchemaFor(output: JsonSchema | undefined): Record<string, unknown> {
  return output === undefined ? { type: 'object', additionalProperties: true } : toDraft04(output);
}

/** Translates a tool into the data action that calls its execution endpoint. */
export function toDataAction(tool: ToolDefinition, settings: DataActionSettings): DataActionBody {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    // A User Defined credential field, inserted by Velocity (reference §8 "auth: User Defined").
    Authorization: 'Bearer ${credentials.token}',
  };
  const body = {
    name: tool.name,
    category: settings.category,
    integrationId: settings.integrationId,
    secure: false,
    contract: {
      input: { inputSchema: inputSchemaFor(tool) },
      output: { successSchema: successSchemaFor(tool.outputSchema) },
    },
    config: {
      timeoutSeconds: timeoutSecondsFor(tool.timeoutMs),
      request: {
        requestUrlTemplate: requestUrlOf(tool, settings.executionUrl),
        requestType: 'POST',
        headers,
        // The invocation envelope; rawRequest is the inputs as JSON (reference §8.1).
        requestTemplate: `{"tool_name": "${tool.name}", "parameters": \${input.rawRequest}}`,
      },
      response: {
        translationMap: { output: '$.output' },
        translationMapDefaults: {},
        successTemplate: '${output}',
      },
    },
  } satisfies DataActionBody;
  headers[SPEC_HEADER] = specDigest(body);
  return body;
}

/**
 * The digest of an action's comparable form, its own header and its integration left out (the
 * integration is compared on its own; the digest must not depend on when it was created).
 */
export function specDigest(action: unknown): string {
  const spec = comparableOf(action, false);
  const text = comparableText(
    normaliseJson({ fixed: { ...spec.fixed, integrationId: '' }, mutable: spec.mutable }),
  );
  return `v1-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** Request headers without the digest header (the digest is not computed over itself). */
function withoutDigest(headers: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record(headers))) {
    if (key.toLowerCase() !== SPEC_HEADER.toLowerCase()) out[key] = value;
  }
  return out;
}

/** The spec digest an action carries in its request headers, if any. */
export function carriedDigest(action: unknown): string | undefined {
  const headers = record(record(record(record(action).config).request).headers);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === SPEC_HEADER.toLowerCase() && typeof value === 'string') return value;
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/**
 * The JSON Schema keywords a contract is compared on: the ones that change what Genesys accepts
 * or what the model reads. Whether Genesys adds or drops other keywords when it stores a contract
 * is not settled (reference §10.1; `doctor --probe` shows it for an org), so they make no diff.
 */
const CONTRACT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
  'description',
  'title',
  'default',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

function keptKeywords(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(keptKeywords);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!CONTRACT_KEYWORDS.has(key)) continue;
    if (key === 'properties' && isRecord(value)) {
      // Property names are data, not keywords: keep each, compare its schema.
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) props[name] = keptKeywords(sub);
      out[key] = props;
    } else if (key === 'enum' || key === 'default' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = keptKeywords(value);
    }
  }
  return out;
}

/** A contract schema in comparable form: draft-04 either way, only the compared keywords, sorted. */
function comparableSchema(schema: unknown): JsonValue {
  return normaliseJson(keptKeywords(record(schema)));
}

/**
 * The comparable form of a data action, desired or as Genesys answers it (`Action` with contract
 * and config). Fields Genesys adds (`*Uri`, flattened schemas) are left out; absent defaults are
 * filled in as Genesys applies them.
 */
export function comparableDataAction(action: unknown): ComparableSpec {
  return comparableOf(action, true);
}

/**
 * The comparable form, with or without the digest header: the digest is computed without it,
 * the plan compares with it (an action that lacks it, or carries an old one, is updated once so
 * that later plans are settled by the listing).
 */
function comparableOf(action: unknown, keepDigest: boolean): ComparableSpec {
  const a = record(action);
  const contract = record(a.contract);
  const config = record(a.config);
  const request = record(config.request);
  const response = record(config.response);
  return {
    fixed: {
      contract: {
        input: comparableSchema(record(contract.input).inputSchema),
        output: comparableSchema(record(contract.output).successSchema),
      },
      integrationId: typeof a.integrationId === 'string' ? a.integrationId : '',
      secure: a.secure === true,
    },
    mutable: normaliseObject({
      category: a.category,
      config: {
        timeoutSeconds: config.timeoutSeconds ?? GENESYS_DEFAULT_TIMEOUT_SECONDS,
        request: {
          requestUrlTemplate: request.requestUrlTemplate,
          requestType: request.requestType,
          headers: keepDigest ? (request.headers ?? {}) : withoutDigest(request.headers),
          requestTemplate: request.requestTemplate,
        },
        response: {
          translationMap: response.translationMap ?? {},
          translationMapDefaults: response.translationMapDefaults ?? {},
          successTemplate: response.successTemplate,
        },
      },
    }),
  };
}
