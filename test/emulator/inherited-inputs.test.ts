/**
 * Inputs named like Object.prototype members (`valueOf`, `toString`, `constructor`): the emulator's
 * input checks look at the inputs' own properties only, as the platform's do, so an inherited
 * member neither satisfies `required` nor fails a type check.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { createSchemaCompiler } from '../../src/emulator/schema-compiler.js';
import { actionBody, api, createIntegration, str, tokenFor } from './helpers.js';
import { json, startTarget } from './target-server.js';

async function actionWithInputs(inputSchema: Record<string, unknown>) {
  const target = await startTarget(
    json(200, { status: 'success', output: { sku: 'x', inventory_level: 1 } }),
  );
  const emulator = await createEmulator();
  onTestFinished(() => emulator.close());
  const call = api(emulator, await tokenFor(emulator));
  const integrationId = await createIntegration(call);
  await call('PATCH', `/api/v2/integrations/${integrationId}`, { intendedState: 'ENABLED' });
  const base = actionBody(integrationId);
  const res = await call('POST', '/api/v2/integrations/actions', {
    ...base,
    contract: { ...base.contract, input: { inputSchema } },
    config: {
      ...base.config,
      request: {
        ...base.config.request,
        requestUrlTemplate: `${target.url}/api/v1/tools/check_inventory`,
        headers: { 'Content-Type': 'application/json' },
      },
    },
  });
  if (res.status !== 200) throw new Error(res.raw);
  return { call, target, id: str(res.body, 'id') };
}

describe('inputs named like Object.prototype members', () => {
  it('refuses /execute without a required input named valueOf, before calling the endpoint', async () => {
    const { call, target, id } = await actionWithInputs({
      type: 'object',
      properties: { valueOf: { type: 'string' } },
      required: ['valueOf'],
    });
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, {});
    expect(res.status).toBe(400);
    expect(str(res.body, 'message')).toContain("must have required property 'valueOf'");
    expect(res.body['details']).toEqual([{ errorCode: 'INVALID_INPUT', fieldName: 'valueOf' }]);
    expect(target.received).toHaveLength(0);
  });

  it('runs /execute without optional inputs named toString and constructor', async () => {
    const { call, target, id } = await actionWithInputs({
      type: 'object',
      properties: { toString: { type: 'string' }, constructor: { type: 'integer' } },
    });
    const res = await call('POST', `/api/v2/integrations/actions/${id}/execute`, {});
    expect(res.status).toBe(200);
    expect(target.received).toHaveLength(1);
    expect(JSON.parse(target.received[0]?.body ?? '')).toEqual({
      tool_name: 'check_inventory',
      parameters: {},
    });
  });

  it('names the missing valueOf input in /test too', async () => {
    const { call, id } = await actionWithInputs({
      type: 'object',
      properties: { valueOf: { type: 'string' } },
      required: ['valueOf'],
    });
    const res = await call('POST', `/api/v2/integrations/actions/${id}/test`, {});
    expect(res.status).toBe(200);
    expect(res.body['success']).toBe(false);
    expect(JSON.stringify(res.body)).toContain("must have required property 'valueOf'");
  });

  it('compiles validators that ignore inherited members', () => {
    const validate = createSchemaCompiler().compile({
      type: 'object',
      properties: { hasOwnProperty: { type: 'string' } },
      required: ['toString'],
    });
    expect(validate({})).toBe(false);
    expect(validate({ toString: 'x' })).toBe(true);
  });
});
