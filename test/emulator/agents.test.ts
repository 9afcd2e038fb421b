import { describe, expect, it } from 'vitest';
import { bindingsEmulator, createAction, pollStatuses, postId } from './bindings-helpers.js';
import { api, tokenFor } from './helpers.js';

const BASE = '/api/v2/agentic/virtualagents';
const PUBLISH = { virtualAgentVersion: { status: 'ProductionReady' } };

const knowledgeTool = {
  type: 'KnowledgeBase',
  name: 'faq',
  description: 'Store FAQ',
  target: { id: 'kb-1', name: 'FAQ' },
  outputInstructions: [{ type: 'Structured', then: 'quote it' }],
};
const busyType = {
  name: 'Busy',
  type: 'DataActionHttpError',
  statusCodes: [429],
  defaultInstruction: 'Tell the customer to try again in a minute.',
};

function dataActionTool(id: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'DataAction',
    name: 'check_inventory',
    description: 'Use when the customer asks whether a product is in stock.',
    target: { id },
    ...extra,
  };
}

describe('agentic virtual agents', () => {
  it('creates a draft version, patches it and publishes it through a polled job, keeping other tools untouched', async () => {
    const { call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId);
    const agentId = await postId(call, BASE, { name: 'Store agent' });
    expect((await call('GET', `${BASE}/${agentId}`)).body).toMatchObject({
      name: 'Store agent',
      status: 'Draft',
    });

    const definition = {
      role: 'Store helper',
      instructions: ['Be brief.'],
      tools: [knowledgeTool],
      settings: { comfortStatement: { enabled: true } },
    };
    const v1 = await call('POST', `${BASE}/${agentId}/versions`, { definition });
    expect(v1.body).toMatchObject({
      version: '1.0',
      status: 'Draft',
      virtualAgent: { id: agentId },
      definition,
    });
    const versionUrl = `${BASE}/${agentId}/versions/${String(v1.body['id'])}`;
    const patchedDefinition = {
      ...definition,
      tools: [knowledgeTool, dataActionTool(stock, { errors: [{ type: 'Busy' }] })],
      types: [busyType],
    };
    const patched = await call('PATCH', versionUrl, { definition: patchedDefinition });
    expect(patched.status).toBe(200);
    expect(patched.body['definition']).toEqual(patchedDefinition);

    const jobId = await postId(call, `${versionUrl}/jobs`, PUBLISH, 202);
    expect(await pollStatuses(call, `${versionUrl}/jobs/${jobId}`, 2)).toEqual([
      'InProgress',
      'Succeeded',
    ]);
    const published = await call('GET', versionUrl);
    expect(published.body).toMatchObject({ status: 'ProductionReady' });
    expect(published.body['definition']).toEqual(patchedDefinition);
    expect((await call('GET', `${BASE}/${agentId}`)).body).toMatchObject({
      status: 'Published',
      latestVersion: { id: v1.body['id'], version: '1.0', status: 'ProductionReady' },
      publishedVersion: { id: v1.body['id'], version: '1.0', status: 'ProductionReady' },
    });

    const refused = await call('PATCH', versionUrl, { definition: {} });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'bad.request' });
  });

  it('copies the latest definition into a new version posted without one', async () => {
    const { call } = await bindingsEmulator();
    const agentId = await postId(call, BASE, { name: 'A' });
    const definition = { role: 'r', tools: [knowledgeTool] };
    await postId(call, `${BASE}/${agentId}/versions`, { definition });
    const v2 = await call('POST', `${BASE}/${agentId}/versions`, {});
    expect(v2.body).toMatchObject({ version: '2.0', status: 'Draft', definition });
    const first = await call('POST', `${BASE}/${await postId(call, BASE, { name: 'B' })}/versions`);
    expect(first.body).toMatchObject({ version: '1.0', definition: {} });
  });

  it('fails the publish job when a DataAction tool targets an action that does not exist', async () => {
    const { call } = await bindingsEmulator();
    const agentId = await postId(call, BASE, { name: 'A' });
    const versionId = await postId(call, `${BASE}/${agentId}/versions`, {
      definition: { tools: [dataActionTool('missing-id')] },
    });
    const versionUrl = `${BASE}/${agentId}/versions/${versionId}`;
    const job = await call('POST', `${versionUrl}/jobs`, PUBLISH);
    expect(job.status).toBe(202);
    expect(job.body).toMatchObject({ virtualAgentId: agentId, status: 'InProgress', errors: [] });
    const jobUrl = `${versionUrl}/jobs/${String(job.body['id'])}`;
    expect(await pollStatuses(call, jobUrl, 2)).toEqual(['InProgress', 'Failed']);
    expect((await call('GET', jobUrl)).body).toMatchObject({
      errors: [{ code: 'invalid.data.actions', details: [{ entityId: 'missing-id' }] }],
    });
    expect((await call('GET', `${BASE}/${agentId}`)).body).toMatchObject({ status: 'Draft' });
    expect((await call('GET', `${BASE}/${agentId}`)).body).not.toHaveProperty('publishedVersion');
  });

  it.each([
    [
      'a DataAction tool without target.id',
      [dataActionTool('')],
      [],
      'definition.tools.0.target.id',
    ],
    [
      'an error type that names no DataActionHttpError type',
      [dataActionTool('x', { errors: [{ type: 'Nope' }] })],
      [busyType],
      'definition.tools.0.errors.0.type',
    ],
    [
      'a DataActionHttpError type without status codes',
      [],
      [{ name: 'Busy', type: 'DataActionHttpError', statusCodes: [] }],
      'definition.types.0.statusCodes',
    ],
  ])('refuses %s with 400 naming the field', async (_case, tools, types, fieldName) => {
    const { call } = await bindingsEmulator();
    const agentId = await postId(call, BASE, { name: 'A' });
    const res = await call('POST', `${BASE}/${agentId}/versions`, { definition: { tools, types } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad.request', details: [{ fieldName }] });
  });

  it('lists agents by exact name', async () => {
    const { call } = await bindingsEmulator({ seedAgents: ['Store agent', 'Store agent 2'] });
    const listed = await call('GET', `${BASE}?name=Store%20agent`);
    expect(listed.body).toMatchObject({ total: 1, entities: [{ name: 'Store agent' }] });
    expect((await call('GET', BASE)).body).toMatchObject({ total: 2 });
  });

  it('answers 403 to a client that may publish but not read the job', async () => {
    const granted = [
      'agentic:virtualAgent:add',
      'agentic:virtualAgentVersion:add',
      'agentic:virtualAgentVersionJob:add',
    ];
    const { emulator } = await bindingsEmulator({
      clients: [
        { id: 'emulator-client', secret: 'emulator-secret' },
        { id: 'publisher', secret: 's', permissions: granted },
      ],
    });
    const call = api(emulator, await tokenFor(emulator, 'publisher', 's'));
    const agentId = await postId(call, BASE, { name: 'A' });
    const versionId = await postId(call, `${BASE}/${agentId}/versions`, {});
    const versionUrl = `${BASE}/${agentId}/versions/${versionId}`;
    const jobId = await postId(call, `${versionUrl}/jobs`, PUBLISH, 202);
    const refused = await call('GET', `${versionUrl}/jobs/${jobId}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'missing.any.permissions',
      messageParams: { permissions: 'agentic:virtualAgentJob:view' },
    });
    expect((await call('GET', versionUrl)).status).toBe(403);
  });
});
