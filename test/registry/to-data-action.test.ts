import { describe, expect, it } from 'vitest';
import {
  comparableDataAction,
  comparableGatewayTool,
  diffJson,
  normaliseJson,
  timeoutSecondsFor,
  toDataAction,
  toDraft04,
  toGatewayTool,
  specDigest,
} from '../../src/registry/index.js';
import { makeTool } from '../sync/tools.js';

const settings = {
  executionUrl: 'https://tools.example.com/',
  category: 'genesys-tools',
  integrationId: 'int-1',
};

describe('toDataAction', () => {
  it('builds the PostActionInput of DESIGN "Tool → data action"', () => {
    const body = toDataAction(makeTool('check_inventory'), settings);
    expect(body).toEqual({
      name: 'check_inventory',
      category: 'genesys-tools',
      integrationId: 'int-1',
      secure: false,
      contract: {
        input: {
          inputSchema: {
            type: 'object',
            description: 'Checks inventory for check_inventory',
            properties: {
              sku: { type: 'string', description: 'Product stock keeping unit' },
              warehouse_id: { type: 'string' },
            },
            required: ['sku'],
            additionalProperties: false,
          },
        },
        output: {
          successSchema: {
            type: 'object',
            properties: { sku: { type: 'string' }, inventory_level: { type: 'integer' } },
          },
        },
      },
      config: {
        timeoutSeconds: 7,
        request: {
          requestUrlTemplate: 'https://tools.example.com/api/v1/tools/check_inventory',
          requestType: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: 'Bearer ${credentials.token}',
            'X-Genesys-Tools-Spec': specDigest(body),
          },
          requestTemplate: '{"tool_name": "check_inventory", "parameters": ${input.rawRequest}}',
        },
        response: {
          translationMap: { output: '$.output' },
          translationMapDefaults: {},
          successTemplate: '${output}',
        },
      },
    });
  });

  it('sends an open object as the success schema of a tool without output', () => {
    const tool = { ...makeTool('t') };
    delete tool.outputSchema;
    expect(toDataAction(tool, settings).contract.output.successSchema).toEqual({
      type: 'object',
      additionalProperties: true,
    });
  });
});

describe('timeoutSecondsFor', () => {
  it.each([
    [1, 3],
    [1000, 3],
    [1001, 4],
    [5000, 7],
    [58_000, 60],
    [60_000, 60],
  ])('turns %i ms into %i s (rounded up, plus margin, at most 60)', (ms, s) => {
    expect(timeoutSecondsFor(ms)).toBe(s);
  });
});

describe('toDraft04', () => {
  it.each([
    ['drops $schema', { $schema: 'x', type: 'object' }, { type: 'object' }],
    ['turns const into enum', { const: 'a' }, { enum: ['a'] }],
    [
      'turns a numeric exclusiveMinimum into the draft-04 flag',
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'number', minimum: 0, exclusiveMinimum: true },
    ],
    [
      "drops zod's safe-integer bounds",
      { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      { type: 'integer' },
    ],
    [
      'converts nested properties and items',
      { type: 'object', properties: { a: { type: 'array', items: { const: 1, examples: [1] } } } },
      { type: 'object', properties: { a: { type: 'array', items: { enum: [1] } } } },
    ],
  ])('%s', (_name, input, expected) => {
    expect(toDraft04(input)).toEqual(expected);
  });
});

describe('comparable forms', () => {
  it('sees no difference between a desired action and the same action as Genesys answers it', () => {
    const body = toDataAction(makeTool('t'), settings);
    const remote = {
      id: 'a1',
      version: 3,
      selfUri: '/api/v2/integrations/actions/a1',
      ...body,
      contract: {
        input: {
          inputSchema: {
            $schema: 'http://json-schema.org/draft-04/schema#',
            ...body.contract.input.inputSchema,
            required: ['sku'],
          },
          inputSchemaUri: '/x',
        },
        output: { successSchema: body.contract.output.successSchema, successSchemaFlattened: {} },
      },
      config: {
        ...body.config,
        request: { ...body.config.request, requestTemplateUri: '/y' },
        response: { successTemplate: ' ${output} ', translationMap: { output: '$.output' } },
      },
    };
    expect(comparableDataAction(remote)).toEqual(comparableDataAction(body));
  });

  it('puts the contract under fixed and the config under mutable', () => {
    const a = comparableDataAction(toDataAction(makeTool('t'), settings));
    const b = comparableDataAction(
      toDataAction(
        makeTool('t', {
          timeoutMs: 9000,
          inputSchema: { type: 'object', properties: { sku: { type: 'integer' } } },
        }),
        settings,
      ),
    );
    expect(diffJson(a.fixed, b.fixed).map((d) => d.path)).toEqual([
      'contract.input.additionalProperties',
      'contract.input.properties.sku.type',
      'contract.input.properties.warehouse_id',
      'contract.input.required',
    ]);
    // The digest header changes with any change (the plan shows it only alone).
    const digest = 'config.request.headers.X-Genesys-Tools-Spec';
    expect(diffJson(a.mutable, b.mutable).filter((d) => d.path !== digest)).toEqual([
      { path: 'config.timeoutSeconds', before: 7, after: 11 },
    ]);
  });

  it('treats a gateway tool without the marker as different in managedBy only', () => {
    const body = toGatewayTool(makeTool('t'), {
      executionUrl: 'http://x',
      marker: 'genesys-tools',
    });
    const unmarked = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'managedBy'));
    expect(
      diffJson(comparableGatewayTool(unmarked).mutable, comparableGatewayTool(body).mutable),
    ).toEqual([{ path: 'managedBy', before: null, after: 'genesys-tools' }]);
  });
});

describe('normaliseJson and diffJson', () => {
  it.each([
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['whitespace in strings', { d: ' a  b\n' }, { d: 'a b' }],
    ['order of required', { required: ['b', 'a'] }, { required: ['a', 'b'] }],
    ['undefined fields', { a: 1, b: undefined }, { a: 1 }],
  ])('ignores %s', (_name, a, b) => {
    expect(diffJson(normaliseJson(a), normaliseJson(b))).toEqual([]);
  });

  it.each([
    ['a changed leaf', { a: { b: 1 } }, { a: { b: 2 } }, [{ path: 'a.b', before: 1, after: 2 }]],
    ['a new field', { a: 1 }, { a: 1, c: 'x' }, [{ path: 'c', after: 'x' }]],
    ['a removed field', { a: 1, c: 'x' }, { a: 1 }, [{ path: 'c', before: 'x' }]],
    [
      'an array as one leaf',
      { e: [1, 2] },
      { e: [1, 3] },
      [{ path: 'e', before: [1, 2], after: [1, 3] }],
    ],
  ])('reports %s', (_name, a, b, expected) => {
    expect(diffJson(normaliseJson(a), normaliseJson(b))).toEqual(expected);
  });
});

describe('the spec digest header', () => {
  it('changes with the contract and the config, not with the integration', async () => {
    const { specDigest, SPEC_HEADER } = await import('../../src/registry/index.js');
    const base = toDataAction(makeTool('t'), settings);
    const elsewhere = toDataAction(makeTool('t'), { ...settings, integrationId: 'other' });
    const slower = toDataAction(makeTool('t', { timeoutMs: 30_000 }), settings);
    expect(base.config.request.headers[SPEC_HEADER]).toBe(specDigest(base));
    expect(elsewhere.config.request.headers[SPEC_HEADER]).toBe(specDigest(base));
    expect(slower.config.request.headers[SPEC_HEADER]).not.toBe(specDigest(base));
  });

  it('makes an action written without it an update (once), shown only when nothing else differs', async () => {
    const { planSync } = await import('../../src/sync/index.js');
    const body = toDataAction(makeTool('t'), settings);
    const headers = Object.fromEntries(
      Object.entries(body.config.request.headers).filter(([k]) => k !== 'X-Genesys-Tools-Spec'),
    );
    const old = {
      ...body,
      config: { ...body.config, request: { ...body.config.request, headers } },
    };
    const remote = {
      id: 'a1',
      name: 't',
      version: 1,
      managed: true,
      spec: comparableDataAction(old),
      status: 'published',
      endpoint: undefined,
      modifiedAt: undefined,
      fingerprint: 'f',
    };
    const desired = { name: 't', spec: comparableDataAction(body), body };
    const plan = planSync([desired], [remote], { target: 'data-actions', scope: 's' });
    expect(plan.changes[0]).toMatchObject({
      kind: 'update',
      // Compared without the descriptions part (issue 15 item 12): `v2-SHAPE`.
      diff: [
        {
          path: 'config.request.headers.X-Genesys-Tools-Spec',
          after: specDigest(body).split('-').slice(0, 2).join('-'),
        },
      ],
    });
    // With a real change, the digest line is implied and not shown.
    const slower = toDataAction(makeTool('t', { timeoutMs: 30_000 }), settings);
    const changed = planSync(
      [{ name: 't', spec: comparableDataAction(slower), body: slower }],
      [{ ...remote, spec: comparableDataAction(body) }],
      { target: 'data-actions', scope: 's' },
    );
    expect(changed.changes[0]).toMatchObject({
      kind: 'update',
      diff: [{ path: 'config.timeoutSeconds' }],
    });
  });
});
