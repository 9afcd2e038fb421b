import { describe, expect, it } from 'vitest';
import {
  describeDiff,
  describeLimits,
  diffSchemas,
  findRenderedRequest,
  rawRequestOf,
  renderProbeReport,
  PROBE_CHECKS,
} from '../../src/cli/commands/probe-report.js';
import type { ProbeReport } from '../../src/cli/commands/probe-report.js';
import { probeActionBody, withTypeListInput } from '../../src/cli/commands/probe-body.js';

const sent = {
  type: 'object',
  properties: { text: { type: 'string', maxLength: 200, description: 'Any text' } },
  required: ['text', 'other'],
  additionalProperties: false,
};

describe('diffSchemas', () => {
  it.each([
    ['the same schema', sent, ''],
    [
      'keys reordered, required reordered, whitespace changed',
      {
        additionalProperties: false,
        required: ['other', 'text'],
        properties: { text: { description: ' Any  text ', maxLength: 200, type: 'string' } },
        type: 'object',
      },
      '',
    ],
    [
      'a keyword dropped and one added',
      {
        type: 'object',
        properties: { text: { type: 'string', description: 'Any text' } },
        required: ['text', 'other'],
        additionalProperties: false,
        $schema: 'http://json-schema.org/draft-04/schema#',
      },
      'added /$schema; dropped /properties/text/maxLength',
    ],
    ['a value changed', { ...sent, additionalProperties: true }, 'changed /additionalProperties'],
  ])('%s', (_name, got, expected) => {
    const diff = diffSchemas(sent, got);
    expect(describeDiff(diff)).toBe(expected === '' ? 'as sent' : expected);
  });
});

describe('findRenderedRequest', () => {
  const marker = 'probe-1234abcd';
  it('finds the rendered body in whichever step carries it, not the input value itself', () => {
    const result = {
      operations: [
        { step: 1, name: 'Resolve inputs', success: true, result: { text: marker } },
        {
          step: 2,
          name: 'Resolve request body template',
          success: true,
          result: `{"tool_name": "t", "parameters": {"text":"${marker}"}}`,
        },
      ],
      success: false,
    };
    expect(findRenderedRequest(result, marker)).toEqual({
      step: 'Resolve request body template',
      body: `{"tool_name": "t", "parameters": {"text":"${marker}"}}`,
    });
  });

  it('answers undefined when no step shows it', () => {
    expect(findRenderedRequest({ operations: [{ name: 'x', result: marker }] }, marker)).toBe(
      undefined,
    );
    expect(findRenderedRequest('not a result', marker)).toBe(undefined);
  });
});

describe('rawRequestOf', () => {
  it.each([
    ['{"tool_name": "t", "parameters": {"text":"a"}}', { json: { text: 'a' } }],
    [
      '{"tool_name": "t", "parameters": {"text":"a","orgId":"o"}}',
      { json: { text: 'a', orgId: 'o' } },
    ],
    ['{"tool_name": "t"}', undefined],
    ['not json ${input.rawRequest}', undefined],
  ])('%s', (body, expected) => {
    expect(rawRequestOf(body)).toEqual(expected);
  });
});

describe('describeLimits', () => {
  it.each([
    [
      {
        entities: [
          { key: 'actions.concurrent.executions.max', value: 15 },
          { key: 'requests.volume.max', value: 900 },
        ],
      },
      'actions.concurrent.executions.max=15, requests.volume.max=900',
    ],
    [{ entities: [] }, 'no limits listed'],
    [{ limits: { a: 1 } }, '{"limits":{"a":1}}'],
  ])('%j', (body, expected) => {
    expect(describeLimits(body)).toBe(expected);
  });
});

describe('the scratch action', () => {
  it('points at the tool endpoint when an execution URL is set, else at example.invalid', () => {
    const withUrl = probeActionBody({
      name: 'p',
      integrationId: 'i',
      executionUrl: 'https://x.test',
    });
    expect(withUrl.config.request.requestUrlTemplate).toBe('https://x.test/api/v1/tools/p');
    const without = probeActionBody({ name: 'p', integrationId: 'i', executionUrl: undefined });
    expect(without.config.request.requestUrlTemplate).toBe('https://example.invalid/probe');
    expect(without.config.request.requestTemplate).toContain('${input.rawRequest}');
    expect(without.category).toBe('genesys-tools-probe');
  });

  it('types its one input as a list in the type-list variant, and nothing else changes', () => {
    const body = probeActionBody({ name: 'p', integrationId: 'i', executionUrl: undefined });
    const listed = withTypeListInput(body, 'p_typelist');
    expect(listed.name).toBe('p_typelist');
    expect(listed.contract.input.inputSchema).toMatchObject({
      properties: { text: { type: ['string', 'null'] } },
    });
    expect(listed.config).toEqual(body.config);
  });
});

describe('renderProbeReport', () => {
  it('lists what was left behind as the requests that delete it, actions first', () => {
    const report: ProbeReport = {
      completed: false,
      interrupted: false,
      integrationName: 'genesys-tools-probe',
      category: 'genesys-tools-probe',
      actionName: 'genesys_tools_probe_1',
      findings: PROBE_CHECKS.map((check) => ({ check, status: 'skipped', seen: 'x' })),
      deleted: [],
      leftBehind: [
        { kind: 'action', id: 'a1' },
        { kind: 'integration', id: 'i1' },
      ],
    };
    const text = renderProbeReport(report);
    expect(text).toContain(
      'DELETE /api/v2/integrations/actions/a1\n  DELETE /api/v2/integrations/i1',
    );
    expect(text).toContain('0 ok, 0 differ, 0 failed, 0 unavailable, 11 skipped.');
  });
});
