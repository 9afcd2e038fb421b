/**
 * Issue 15 item 12: descriptions do not force a replace. The contract is compared on types,
 * names, required-ness, enums, formats and bounds; descriptions and titles are digested apart and
 * only reported; actions that carry the digest of the code before this rule (`v1`, descriptions
 * included) plan no change.
 */
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../src/definition/index.js';
import type { DesiredEntry, RemoteEntry } from '../../src/registry/index.js';
import {
  comparableDataAction,
  comparableText,
  SPEC_HEADER,
  specDigest,
  toDataAction,
} from '../../src/registry/index.js';
import { legacySpecDigest, settledDescriptions } from '../../src/registry/action-spec.js';
import { descriptionNotes, planSync, renderDescriptionNotes } from '../../src/sync/index.js';
import { makeTool } from '../sync/tools.js';

const settings = {
  executionUrl: 'https://tools.example.com/',
  category: 'genesys-tools',
  integrationId: 'int-1',
};

type Schema = Record<string, unknown>;

/** check_inventory's input schema with `edit` applied to a copy. */
function inputWith(edit: (props: Record<string, Schema>, schema: Schema) => void): Schema {
  const props: Record<string, Schema> = {
    sku: { type: 'string', description: 'Product stock keeping unit' },
    warehouse_id: { type: 'string' },
  };
  const schema: Schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: props,
    required: ['sku'],
    additionalProperties: false,
  };
  expect(schema).toEqual(makeTool('t').inputSchema);
  edit(props, schema);
  return schema;
}

function bodyOf(overrides: Partial<ToolDefinition> = {}) {
  return toDataAction(makeTool('check_inventory', overrides), settings);
}

const base = comparableDataAction(bodyOf());
const same = (overrides: Partial<ToolDefinition>): boolean => {
  const other = comparableDataAction(bodyOf(overrides));
  return (
    comparableText(other.fixed) === comparableText(base.fixed) &&
    comparableText(other.mutable) === comparableText(base.mutable)
  );
};

describe('the contract comparison ignores descriptions and titles', () => {
  it.each<[string, Partial<ToolDefinition>]>([
    ['the tool description', { description: 'Reworded for the model' }],
    [
      'a parameter description',
      { inputSchema: inputWith((p) => (p['sku'] = { type: 'string', description: 'The SKU' })) },
    ],
    [
      'a parameter title',
      { inputSchema: inputWith((p) => (p['sku'] = { ...p['sku'], title: 'SKU' })) },
    ],
    ['a title on the input', { inputSchema: inputWith((_p, s) => (s['title'] = 'Inventory')) }],
    [
      'an output field description',
      {
        outputSchema: {
          type: 'object',
          properties: {
            sku: { type: 'string', description: 'Echoed' },
            inventory_level: { type: 'integer' },
          },
        },
      },
    ],
  ])('%s: no replace, no update, same shape digest', (_what, overrides) => {
    expect(same(overrides)).toBe(true);
    const [, shape] = specDigest(bodyOf(overrides)).split('-');
    expect(specDigest(bodyOf()).split('-')[1]).toBe(shape);
    expect(specDigest(bodyOf(overrides))).not.toBe(specDigest(bodyOf()));
  });

  it.each<[string, Partial<ToolDefinition>]>([
    ['a parameter type', { inputSchema: inputWith((p) => (p['sku'] = { type: 'integer' })) }],
    [
      'a parameter name',
      {
        inputSchema: inputWith((p) => {
          p['stock_unit'] = p['sku'] ?? {};
          delete p['sku'];
        }),
      },
    ],
    ['required-ness', { inputSchema: inputWith((_p, s) => (s['required'] = [])) }],
    [
      'enum values',
      { inputSchema: inputWith((p) => (p['sku'] = { ...p['sku'], enum: ['A', 'B'] })) },
    ],
    ['a format', { inputSchema: inputWith((p) => (p['sku'] = { ...p['sku'], format: 'uuid' })) }],
    [
      'a property named "description"',
      {
        inputSchema: inputWith((p) => (p['description'] = { type: 'string' })),
      },
    ],
  ])('%s: still differs in the contract (a replace)', (_what, overrides) => {
    const other = comparableDataAction(bodyOf(overrides));
    expect(comparableText(other.fixed)).not.toBe(comparableText(base.fixed));
  });

  it('digests the tool description apart from the parameter and output ones', () => {
    const tool = comparableDataAction(bodyOf({ description: 'Reworded' })).descriptions;
    const field = comparableDataAction(
      bodyOf({
        inputSchema: inputWith((p) => (p['warehouse_id'] = { type: 'string', description: 'W' })),
      }),
    ).descriptions;
    expect(tool?.tool).not.toBe(base.descriptions?.tool);
    expect(tool?.fields).toBe(base.descriptions?.fields);
    expect(field?.tool).toBe(base.descriptions?.tool);
    expect(field?.fields).not.toBe(base.descriptions?.fields);
  });
});

function remoteOf(action: Record<string, unknown>): RemoteEntry {
  return {
    id: 'a1',
    name: 'check_inventory',
    version: 1,
    managed: true,
    spec: comparableDataAction(action),
    status: 'published',
    endpoint: undefined,
    modifiedAt: undefined,
    fingerprint: 'f',
  };
}

function desiredOf(overrides: Partial<ToolDefinition> = {}): DesiredEntry {
  const body = bodyOf(overrides);
  return { name: 'check_inventory', spec: comparableDataAction(body), body };
}

const plan = (desired: DesiredEntry, remote: RemoteEntry) =>
  planSync([desired], [remote], { target: 'data-actions', scope: 's' });

describe('planning a description change', () => {
  it('is no change of the action; the plan says which descriptions differ', () => {
    const reworded = desiredOf({
      description: 'Reworded',
      inputSchema: inputWith((p) => (p['sku'] = { type: 'string', description: 'The SKU' })),
    });
    const result = plan(reworded, remoteOf(bodyOf()));
    expect(result.changes).toEqual([
      expect.objectContaining({ kind: 'unchanged', descriptions: { tool: true, fields: true } }),
    ]);
  });

  it('says what becomes of it: bound (read through the binding) or not (no effect yet)', () => {
    const result = plan(desiredOf({ description: 'Reworded' }), remoteOf(bodyOf()));
    const bound = new Map([['check_inventory', ['guide "G"', 'agent "A"']]]);
    expect(descriptionNotes(result, bound)).toEqual([
      expect.objectContaining({ tool: 'check_inventory', part: 'tool', effect: 'binding' }),
    ]);
    expect(renderDescriptionNotes(result, bound)).toContain(
      '~ check_inventory: tool description changed: the model reads the tool description that guide "G", agent "A" carry',
    );
    expect(renderDescriptionNotes(result, new Map())).toContain(
      '~ check_inventory: tool description changed: no effect on the org until the tool is bound to a guide or agent, or its action is replaced for another reason',
    );
    expect(renderDescriptionNotes(result, new Map())).toContain(
      'a contract keeps the descriptions it was created with; a description never replaces an action',
    );
  });

  it('a type change is still a replace, which writes the new descriptions (no note)', () => {
    const result = plan(
      desiredOf({
        description: 'Reworded',
        inputSchema: inputWith((p) => (p['sku'] = { type: 'integer' })),
      }),
      remoteOf(bodyOf()),
    );
    expect(result.changes[0]).toMatchObject({ kind: 'replace' });
    expect(result.changes[0]).not.toHaveProperty('descriptions');
  });
});

/** The body as the code before this change wrote it: the same, with a `v1` digest header. */
function writtenByOldCode(overrides: Partial<ToolDefinition> = {}): Record<string, unknown> {
  const body = bodyOf(overrides);
  const headers = { ...body.config.request.headers, [SPEC_HEADER]: legacySpecDigest(body) };
  return { ...body, config: { ...body.config, request: { ...body.config.request, headers } } };
}

describe('actions written before descriptions left the comparison (v1 digest)', () => {
  it('reproduces the digest the code before this change wrote', () => {
    // Printed by the code at f0aadbd for this tool and these settings.
    expect(legacySpecDigest(bodyOf())).toBe('v1-020efb16bb4c3ebdc1c8fcc4cde65681');
  });

  it('with unchanged files: settled by the listing, and unchanged when read in full', () => {
    const old = writtenByOldCode();
    const desired = desiredOf();
    const carried = legacySpecDigest(bodyOf());
    expect(settledDescriptions(carried, desired.body)).toEqual(desired.spec.descriptions);
    expect(plan(desired, remoteOf(old)).changes).toEqual([
      expect.objectContaining({ kind: 'unchanged' }),
    ]);
    expect(plan(desired, remoteOf(old)).changes[0]).not.toHaveProperty('descriptions');
  });

  it('with only a description changed: read in full, no replace, no update, a note', () => {
    const old = writtenByOldCode();
    const reworded = desiredOf({ description: 'Reworded' });
    expect(settledDescriptions(legacySpecDigest(bodyOf()), reworded.body)).toBeUndefined();
    expect(plan(reworded, remoteOf(old)).changes).toEqual([
      expect.objectContaining({ kind: 'unchanged', descriptions: { tool: true, fields: false } }),
    ]);
  });

  it('a v2 digest settles a description change by the listing and names the kept descriptions', () => {
    const kept = comparableDataAction(bodyOf()).descriptions;
    const reworded = desiredOf({ description: 'Reworded' });
    expect(settledDescriptions(specDigest(bodyOf()), reworded.body)).toEqual(kept);
    const slower = desiredOf({ timeoutMs: 30_000 });
    expect(settledDescriptions(specDigest(bodyOf()), slower.body)).toBeUndefined();
  });
});
