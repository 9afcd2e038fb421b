import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createEmulator } from '../../src/emulator/index.js';
import type { JobState } from '../../src/emulator/publish-jobs.js';
import { advanceJob } from '../../src/emulator/publish-jobs.js';
import { fakeCliContext } from '../support/cli-context.js';
import { tempDir } from '../support/temp-dir.js';
import { bindingsEmulator, createAction, pollStatuses, postId } from './bindings-helpers.js';
import { api, basic, tokenFor } from './helpers.js';

const PUBLISH = { guideVersion: { state: 'ProductionReady' } };

describe('advanceJob', () => {
  const failed: JobState = {
    status: 'Failed',
    errors: [
      {
        message: 'There are invalid data actions in the version',
        code: 'invalid.data.actions',
        status: 400,
        contextId: 'c',
        details: [{ errorCode: 'INVALID_DATA_ACTION', entityId: 'gone' }],
      },
    ],
  };
  it.each<[string, JobState, string[], JobState]>([
    [
      'counts a poll down',
      { status: 'InProgress', pollsLeft: 2 },
      [],
      { status: 'InProgress', pollsLeft: 1 },
    ],
    [
      'waits even with a missing action',
      { status: 'InProgress', pollsLeft: 1 },
      ['gone'],
      { status: 'InProgress', pollsLeft: 0 },
    ],
    [
      'succeeds when no poll is left',
      { status: 'InProgress', pollsLeft: 0 },
      [],
      { status: 'Succeeded' },
    ],
    ['fails naming the missing actions', { status: 'InProgress', pollsLeft: 0 }, ['gone'], failed],
    ['keeps a success', { status: 'Succeeded' }, ['gone'], { status: 'Succeeded' }],
    ['keeps a failure', failed, [], failed],
  ])('%s', (_case, state, missing, expected) => {
    expect(advanceJob(state, missing, 'c')).toEqual(expected);
  });
});

describe('guides', () => {
  it('creates a guide, a version naming data actions, patches it and publishes it through a polled job', async () => {
    const { call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId, 'check_inventory');
    const orders = await createAction(call, integrationId, 'order_status');
    const guideId = await postId(call, '/api/v2/guides', { name: 'Store assistant' });
    const created = await call('GET', `/api/v2/guides/${guideId}`);
    expect(created.body).toMatchObject({
      name: 'Store assistant',
      status: 'Draft',
      source: 'Manual',
    });
    expect(created.body).not.toHaveProperty('latestSavedVersion');

    const versions = `/api/v2/guides/${guideId}/versions`;
    const v1 = await call('POST', versions, {
      instruction: 'Use {{Action.CheckInventory}}.',
      resources: { dataActions: [{ id: stock, label: 'CheckInventory' }] },
    });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: '1', state: 'Draft', guide: { id: guideId } });
    const versionId = String(v1.body['id']);
    const patched = await call('PATCH', `${versions}/${versionId}`, {
      resources: {
        dataActions: [
          { id: stock, label: 'CheckInventory', description: 'Stock of one SKU' },
          { id: orders, label: 'OrderStatus' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      instruction: 'Use {{Action.CheckInventory}}.',
      resources: { dataActions: [{ id: stock, description: 'Stock of one SKU' }, { id: orders }] },
    });

    const job = await call('POST', `${versions}/${versionId}/jobs`, PUBLISH);
    expect(job.status).toBe(202);
    expect(job.body).toMatchObject({
      guideId,
      status: 'InProgress',
      errors: [],
      guideVersion: { id: versionId },
    });
    const jobUrl = `${versions}/${versionId}/jobs/${String(job.body['id'])}`;
    expect(await pollStatuses(call, jobUrl, 3)).toEqual(['InProgress', 'Succeeded', 'Succeeded']);

    expect((await call('GET', `${versions}/${versionId}`)).body).toMatchObject({
      state: 'ProductionReady',
    });
    expect((await call('GET', `/api/v2/guides/${guideId}`)).body).toMatchObject({
      status: 'Published',
      latestSavedVersion: { id: versionId, version: '1' },
      latestProductionReadyVersion: { id: versionId, version: '1' },
    });
  });

  it('fails the publish job with invalid.data.actions when a named action does not exist', async () => {
    const { call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId);
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const versionId = await postId(call, versions, {
      resources: {
        dataActions: [
          { id: stock, label: 'Stock' },
          { id: 'no-such-action', label: 'Gone' },
        ],
      },
    });
    const jobId = await postId(call, `${versions}/${versionId}/jobs`, PUBLISH, 202);
    const jobUrl = `${versions}/${versionId}/jobs/${jobId}`;
    expect(await pollStatuses(call, jobUrl, 2)).toEqual(['InProgress', 'Failed']);
    const failed = await call('GET', jobUrl);
    expect(failed.body).toMatchObject({
      status: 'Failed',
      errors: [
        {
          code: 'invalid.data.actions',
          status: 400,
          message: 'There are invalid data actions in the version',
          details: [{ entityId: 'no-such-action' }],
        },
      ],
    });
    expect((await call('GET', `${versions}/${versionId}`)).body).toMatchObject({ state: 'Draft' });
    expect((await call('GET', `/api/v2/guides/${guideId}`)).body).toMatchObject({
      status: 'Draft',
    });
  });

  it('checks the actions when the job settles: one deleted after the job started fails it', async () => {
    const { call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId);
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const versionId = await postId(call, versions, {
      resources: { dataActions: [{ id: stock, label: 'Stock' }] },
    });
    const jobId = await postId(call, `${versions}/${versionId}/jobs`, PUBLISH, 202);
    const jobUrl = `${versions}/${versionId}/jobs/${jobId}`;
    expect(await pollStatuses(call, jobUrl, 1)).toEqual(['InProgress']);
    expect((await call('DELETE', `/api/v2/integrations/actions/${stock}`)).status).toBe(204);
    expect(await pollStatuses(call, jobUrl, 1)).toEqual(['Failed']);
  });

  it('refuses to change a published version and copies absent fields into a new one', async () => {
    const { call, integrationId } = await bindingsEmulator();
    const stock = await createAction(call, integrationId);
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const content = {
      instruction: 'Answer with {{Action.Stock}}.',
      variables: [{ name: 'sku', type: 'String', scope: 'Input' }],
      resources: { dataActions: [{ id: stock, label: 'Stock' }] },
    };
    const v1 = await postId(call, versions, content);
    const jobId = await postId(call, `${versions}/${v1}/jobs`, PUBLISH, 202);
    await pollStatuses(call, `${versions}/${v1}/jobs/${jobId}`, 2);

    const refused = await call('PATCH', `${versions}/${v1}`, { instruction: 'changed' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'bad.request',
      message: 'Published guide versions cannot be changed; create a new version',
    });
    expect((await call('GET', `${versions}/${v1}`)).body).toMatchObject({
      instruction: content.instruction,
    });

    const v2 = await call('POST', versions, { instruction: 'New words for {{Action.Stock}}.' });
    expect(v2.body).toMatchObject({
      version: '2',
      state: 'Draft',
      instruction: 'New words for {{Action.Stock}}.',
      variables: content.variables,
      resources: content.resources,
    });
    expect((await call('GET', `/api/v2/guides/${guideId}`)).body).toMatchObject({
      latestSavedVersion: { id: v2.body['id'], version: '2' },
      latestProductionReadyVersion: { id: v1, version: '1' },
    });
  });

  it('starts a first version empty when the body names nothing', async () => {
    const { call } = await bindingsEmulator();
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const v1 = await call('POST', `/api/v2/guides/${guideId}/versions`, {});
    expect(v1.body).toMatchObject({
      instruction: '',
      variables: [],
      resources: { dataActions: [] },
    });
  });

  it.each([
    [
      'more than 5 data actions',
      {
        dataActions: [1, 2, 3, 4, 5, 6].map((n) => ({
          id: `a${String(n)}`,
          label: `L${String(n)}`,
        })),
      },
      'resources.dataActions',
    ],
    [
      'a label that is not an identifier',
      { dataActions: [{ id: 'a', label: '1st' }] },
      'resources.dataActions.0.label',
    ],
    [
      'a label used twice',
      {
        dataActions: [
          { id: 'a', label: 'Same' },
          { id: 'b', label: 'Same' },
        ],
      },
      'resources.dataActions.1',
    ],
  ])('refuses %s with 400 naming the field', async (_case, resources, fieldName) => {
    const { call } = await bindingsEmulator();
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const res = await call('POST', `/api/v2/guides/${guideId}/versions`, { resources });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad.request', details: [{ fieldName }] });
  });

  it('lists guides by exact name or case-insensitive substring', async () => {
    const { call } = await bindingsEmulator();
    for (const name of ['Store assistant', 'Store assistant', 'Billing helper']) {
      await postId(call, '/api/v2/guides', { name });
    }
    const exact = await call('GET', '/api/v2/guides?name=Store%20assistant');
    expect(exact.body).toMatchObject({ total: 2 });
    const part = await call('GET', '/api/v2/guides?nameContains=HELP&pageSize=1');
    expect(part.body).toMatchObject({
      total: 1,
      pageSize: 1,
      entities: [{ name: 'Billing helper' }],
    });
    expect((await call('GET', '/api/v2/guides?pageSize=101')).status).toBe(400);
  });

  it.each([
    [0, ['Succeeded']],
    [3, ['InProgress', 'InProgress', 'InProgress', 'Succeeded']],
  ])('with publishPolls %i a job answers %j', async (publishPolls, expected) => {
    const { call } = await bindingsEmulator({ publishPolls });
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const v1 = await postId(call, versions, {});
    const jobId = await postId(call, `${versions}/${v1}/jobs`, PUBLISH, 202);
    expect(await pollStatuses(call, `${versions}/${v1}/jobs/${jobId}`, expected.length)).toEqual(
      expected,
    );
  });

  it('answers 404 for a version of another guide and a job of another version', async () => {
    const { call } = await bindingsEmulator();
    const a = await postId(call, '/api/v2/guides', { name: 'A' });
    const b = await postId(call, '/api/v2/guides', { name: 'B' });
    const va = await postId(call, `/api/v2/guides/${a}/versions`, {});
    const vb = await postId(call, `/api/v2/guides/${b}/versions`, {});
    expect((await call('GET', `/api/v2/guides/${b}/versions/${va}`)).status).toBe(404);
    const job = await postId(call, `/api/v2/guides/${a}/versions/${va}/jobs`, PUBLISH, 202);
    const other = await call('GET', `/api/v2/guides/${b}/versions/${vb}/jobs/${job}`);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'not.found' });
  });

  it('answers 403 missing.any.permissions to a client without the permission', async () => {
    const { emulator } = await bindingsEmulator({
      clients: [
        { id: 'emulator-client', secret: 'emulator-secret' },
        { id: 'reader', secret: 's', permissions: ['aiStudio:guide:view'] },
      ],
    });
    const reader = api(emulator, await tokenFor(emulator, 'reader', 's'));
    expect((await reader('GET', '/api/v2/guides')).status).toBe(200);
    const refused = await reader('POST', '/api/v2/guides', { name: 'G' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'missing.any.permissions',
      messageParams: { permissions: 'aiStudio:guide:add' },
    });
  });

  it('seeds empty guides from the options once, even across restarts', async () => {
    const dataDir = tempDir();
    const options = { dataDir, seedGuides: ['Store assistant', 'Other'] };
    const first = await createEmulator(options);
    const token = await tokenFor(first);
    const listed = await api(first, token)('GET', '/api/v2/guides?name=Store%20assistant');
    expect(listed.body).toMatchObject({ total: 1, entities: [{ status: 'Draft' }] });
    expect(JSON.stringify(listed.body)).not.toContain('latestSavedVersion');
    await first.close();
    const second = await createEmulator(options);
    try {
      const again = await api(second, token)('GET', '/api/v2/guides');
      expect(again.body).toMatchObject({ total: 2 });
    } finally {
      await second.close();
    }
  });

  it('keeps guides, versions and an unfinished publish job across a restart', async () => {
    const dataDir = tempDir();
    const first = await createEmulator({ dataDir });
    const token = await tokenFor(first);
    const call = api(first, token);
    const guideId = await postId(call, '/api/v2/guides', { name: 'G' });
    const versions = `/api/v2/guides/${guideId}/versions`;
    const v1 = await postId(call, versions, { instruction: 'kept' });
    const jobId = await postId(call, `${versions}/${v1}/jobs`, PUBLISH, 202);
    await first.close();
    const second = await createEmulator({ dataDir });
    try {
      const again = api(second, token);
      expect((await again('GET', `${versions}/${v1}`)).body).toMatchObject({ instruction: 'kept' });
      expect(await pollStatuses(again, `${versions}/${v1}/jobs/${jobId}`, 2)).toEqual([
        'InProgress',
        'Succeeded',
      ]);
    } finally {
      await second.close();
    }
  });

  it('reads a state file written before guides existed as having none', async () => {
    const dataDir = tempDir();
    const old = {
      formatVersion: 1,
      integrations: [],
      credentials: [],
      actions: [],
      gatewayTools: [],
      tokens: [],
    };
    writeFileSync(join(dataDir, 'emulator-state.json'), JSON.stringify(old));
    const emulator = await createEmulator({ dataDir, seedGuides: ['Seeded'] });
    try {
      const listed = await api(emulator, await tokenFor(emulator))('GET', '/api/v2/guides');
      expect(listed.body).toMatchObject({ total: 1, entities: [{ name: 'Seeded' }] });
    } finally {
      await emulator.close();
    }
  });

  it('emulator --seed-guide and --seed-agent create them at start', async () => {
    const stop = new AbortController();
    const { ctx, out, printed } = fakeCliContext({ stop });
    const argv = [
      'emulator',
      '--port',
      '0',
      '--seed-guide',
      'Store assistant',
      '--seed-guide',
      'Second',
      '--seed-agent',
      'Store agent',
    ];
    const running = runCli(argv, ctx);
    await printed('Press Ctrl+C');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out())?.[1] ?? '';
    try {
      const tokenRes = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: basic('emulator-client', 'emulator-secret'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      const { access_token: token } = (await tokenRes.json()) as { access_token: string };
      const get = async (path: string): Promise<unknown> =>
        (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
      expect(await get('/api/v2/guides')).toMatchObject({
        total: 2,
        entities: [{ name: 'Store assistant' }, { name: 'Second' }],
      });
      expect(await get('/api/v2/agentic/virtualagents')).toMatchObject({
        total: 1,
        entities: [{ name: 'Store agent', status: 'Draft' }],
      });
    } finally {
      stop.abort();
    }
    expect(await running).toBe(0);
  });
});
