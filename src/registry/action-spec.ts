/**
 * The comparable form of a data action and the digest it carries (DESIGN "Tool → data action";
 * issue 15 item 12): a contract is compared on what Genesys checks (types, names, required-ness,
 * enums, formats, bounds), not on its descriptions. Descriptions are written when the action is
 * created and only reported afterwards, since a contract cannot change without a new id.
 */
import { createHash } from 'node:crypto';
import { comparableText, normaliseJson, normaliseObject } from './comparable.js';
import type { ComparableSpec, DescriptionDigests, JsonValue } from './registry.js';
import { isRecord } from '../is-record.js';

/**
 * The request header that carries a digest of everything this project sets on the action. A
 * listing shows an action's config (headers included) but neither its contract nor its templates
 * (reference §10.1), so a plan reads an action in full only when the digest or a field the listing
 * shows differs: a no-change plan of N tools costs the listing's pages, not N + 2N requests.
 * Genesys sends it to the execution server with every call, which ignores it.
 *
 * Its value is `v2-SHAPE-TOOL-FIELDS`: SHAPE digests the comparable form (contract without its
 * descriptions, config), TOOL and FIELDS the descriptions the contract holds (the tool's own; the
 * parameters' and output fields'). Actions written before descriptions left the comparison carry
 * `v1-DIGEST` (descriptions included), which still settles an action whose files did not change.
 */
export const SPEC_HEADER = 'X-Genesys-Tools-Spec';

/** Genesys' default `timeoutSeconds` when an action sets none (reference §7.4). */
const GENESYS_DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * The JSON Schema keywords a contract is compared on: the ones that change what Genesys accepts.
 * Whether Genesys adds or drops other keywords when it stores a contract is not settled
 * (reference §10.1; `doctor --probe` shows it for an org), so they make no diff.
 */
const CONTRACT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
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

/** Words for people and the model: written at create, never compared (issue 15 item 12). */
const DESCRIPTION_KEYWORDS = new Set(['description', 'title']);

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function keptKeywords(schema: unknown, withDescriptions: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => keptKeywords(s, withDescriptions));
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const kept = CONTRACT_KEYWORDS.has(key) || (withDescriptions && DESCRIPTION_KEYWORDS.has(key));
    if (!kept) continue;
    if (key === 'properties' && isRecord(value)) {
      // Property names are data, not keywords: keep each, compare its schema.
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) {
        props[name] = keptKeywords(sub, withDescriptions);
      }
      out[key] = props;
    } else if (key === 'enum' || key === 'default' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = keptKeywords(value, withDescriptions);
    }
  }
  return out;
}

/** Only the descriptions and titles of a schema, with the structure that leads to them. */
function descriptionsOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(descriptionsOnly);
  if (!isRecord(schema)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DESCRIPTION_KEYWORDS.has(key)) {
      out[key] = value;
    } else if (key === 'properties' && isRecord(value)) {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) props[name] = descriptionsOnly(sub);
      out[key] = props;
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = descriptionsOnly(value);
    }
  }
  return out;
}

function hex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Digests of the descriptions an action's contract holds (whitespace runs make no difference). */
export function descriptionDigests(action: unknown): DescriptionDigests {
  const contract = record(record(action).contract);
  const input = record(record(contract.input).inputSchema);
  const { description, title, ...rest } = input;
  const output = record(contract.output).successSchema;
  return {
    tool: hex(comparableText(normaliseJson({ description, title })), 12),
    fields: hex(
      comparableText(
        normaliseJson({ input: descriptionsOnly(rest), output: descriptionsOnly(output) }),
      ),
      12,
    ),
  };
}

type DigestMode = 'drop' | 'compare';

/** The comparable form: contract (with or without descriptions) and config. */
function comparableOf(action: unknown, digest: DigestMode, withDescriptions: boolean) {
  const a = record(action);
  const contract = record(a.contract);
  const config = record(a.config);
  const request = record(config.request);
  const response = record(config.response);
  const schema = (s: unknown): JsonValue =>
    normaliseJson(keptKeywords(record(s), withDescriptions));
  return {
    fixed: {
      contract: {
        input: schema(record(contract.input).inputSchema),
        output: schema(record(contract.output).successSchema),
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
          headers: headersFor(action, request.headers, digest),
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

function isDigestHeader(key: string): boolean {
  return key.toLowerCase() === SPEC_HEADER.toLowerCase();
}

/**
 * Request headers as compared: without the digest (`drop`: the digest is not computed over
 * itself), or with it reduced to what a comparison may see (`compare`): its SHAPE part, since the
 * descriptions it names are not compared; a `v1` digest that is current for the action counts as
 * the `v2` one, so that actions written before this rule plan no change.
 */
function headersFor(
  action: unknown,
  headers: unknown,
  digest: DigestMode,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record(headers))) {
    if (!isDigestHeader(key)) out[key] = value;
    else if (digest === 'compare') out[key] = comparableDigest(action, value);
  }
  return out;
}

function comparableDigest(action: unknown, carried: unknown): unknown {
  if (typeof carried !== 'string') return carried;
  const parsed = parseDigest(carried);
  if (parsed !== undefined) return `v2-${parsed.shape}`;
  if (carried.startsWith('v1-') && carried === legacySpecDigest(action)) {
    return `v2-${shapeDigest(action)}`;
  }
  return carried;
}

function digestOf(action: unknown, withDescriptions: boolean): string {
  const spec = comparableOf(action, 'drop', withDescriptions);
  const text = comparableText(
    normaliseJson({ fixed: { ...spec.fixed, integrationId: '' }, mutable: spec.mutable }),
  );
  return hex(text, 32);
}

/** The SHAPE part: the comparable form without descriptions, header and integration. */
function shapeDigest(action: unknown): string {
  return digestOf(action, false);
}

/** The digest actions carried before descriptions left the comparison (descriptions included). */
export function legacySpecDigest(action: unknown): string {
  return `v1-${digestOf(action, true)}`;
}

/** A `v2` digest's parts; undefined for anything else. */
export function parseDigest(
  value: string,
): { readonly shape: string; readonly descriptions: DescriptionDigests } | undefined {
  const match = /^v2-([0-9a-f]{32})-([0-9a-f]{12})-([0-9a-f]{12})$/.exec(value);
  if (match === null) return undefined;
  return { shape: match[1] ?? '', descriptions: { tool: match[2] ?? '', fields: match[3] ?? '' } };
}

/** The digest a header carries: SHAPE of `action` with the given descriptions' digests. */
export function digestWith(action: unknown, descriptions: DescriptionDigests): string {
  return `v2-${shapeDigest(action)}-${descriptions.tool}-${descriptions.fields}`;
}

/**
 * The digest of an action, its own header and its integration left out (the integration is
 * compared on its own; the digest must not depend on when it was created).
 */
export function specDigest(action: unknown): string {
  return digestWith(action, descriptionDigests(action));
}

/** The spec digest an action carries in its request headers, if any. */
export function carriedDigest(action: unknown): string | undefined {
  const headers = record(record(record(record(action).config).request).headers);
  for (const [key, value] of Object.entries(headers)) {
    if (isDigestHeader(key) && typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * What the digest an action carries says against the desired body, without reading the action:
 * the descriptions the action holds when its shape is the desired one, else undefined (read it).
 */
export function settledDescriptions(
  carried: string | undefined,
  desired: unknown,
): DescriptionDigests | undefined {
  if (carried === undefined) return undefined;
  const parsed = parseDigest(carried);
  if (parsed !== undefined) {
    return parsed.shape === shapeDigest(desired) ? parsed.descriptions : undefined;
  }
  // A v1 digest names the descriptions too: equal means the action holds the desired ones.
  return carried === legacySpecDigest(desired) ? descriptionDigests(desired) : undefined;
}

/**
 * The comparable form of a data action, desired or as Genesys answers it (`Action` with contract
 * and config). Fields Genesys adds (`*Uri`, flattened schemas) are left out; absent defaults are
 * filled in as Genesys applies them; descriptions are digested apart (`descriptions`).
 */
export function comparableDataAction(action: unknown): ComparableSpec {
  return { ...comparableOf(action, 'compare', false), descriptions: descriptionDigests(action) };
}
