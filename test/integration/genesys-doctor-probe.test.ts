import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DoctorReport } from '../../src/cli/commands/doctor.js';
import { PROBE_CHECKS } from '../../src/cli/commands/probe-report.js';
import type { ProbeCheck, ProbeFinding, ProbeReport } from '../../src/cli/commands/probe-report.js';
import { runProbe } from '../../src/cli/commands/probe.js';
import { runCli } from '../../src/cli/main.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import { BIN } from '../e2e/support.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { fakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp-dir.js';

const SCRATCH = 'genesys-tools-probe';

function envFor(url: string, clientId: string, clientSecret: string): Record<string, string> {
  return {
    GENESYS_CLOUD_API_URL: url,
    GENESYS_CLOUD_CLIENT_ID: clientId,
    GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    // Port 9 (discard) refuses at once: /test runs its steps without waiting for a timeout.
    GENESYS_TOOLS_EXECUTION_URL: 'http://127.0.0.1:9',
  };
}

function adminClient(url: string) {
  return createGenesysClient({
    apiUrl: url,
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    maxAttempts: 1,
  });
}

/** What the org holds of the probe's: integrations named like it, actions in its category. */
async function scratchLeft(url: string): Promise<{ integrations: string[]; actions: string[] }> {
  const client = adminClient(url);
  const integrations = (await client.integrations.list().collect())
    .filter((i) => i.name === SCRATCH)
    .map((i) => i.id);
  const actions = (await client.dataActions.list({ category: SCRATCH }).collect()).map((a) => a.id);
  return { integrations, actions };
}

function finding(probe: ProbeReport | null | undefined, check: ProbeCheck): ProbeFinding {
  const found = probe?.findings.find((f) => f.check === check);
  if (found === undefined) throw new Error(`no finding "${check}"`);
  return found;
}

async function probeJson(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; report: DoctorReport & { probe: ProbeReport | null }; err: string }> {
  const { ctx, out, err } = fakeCliContext({ env, cwd });
  const code = await runCli(['doctor', '--probe', '--json'], ctx);
  return {
    code,
    report: JSON.parse(out()) as DoctorReport & { probe: ProbeReport | null },
    err: err(),
  };
}

describe('genesys-tools doctor --probe', () => {
  it('prints one row per check, in order, and leaves nothing of its own behind', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const cwd = tempDir();
    const { ctx, out } = fakeCliContext({ env: envFor(url, clientId, clientSecret), cwd });
    const code = await runCli(['doctor', '--probe'], ctx);
    expect(code).toBe(0);
    const text = out();
    expect(text).toContain('All checks passed.');
    expect(text).toMatch(/created the scratch action genesys_tools_probe_[0-9a-f]{8} \(id /);
    const table = text.slice(text.indexOf('genesys-tools doctor --probe:'));
    expect(table).toMatch(/^ {2}CHECK +RESULT +SEEN$/m);
    const rows = PROBE_CHECKS.map((check) => table.search(new RegExp(`^  ${check} `, 'm')));
    expect(rows.every((at) => at > 0)).toBe(true);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(table).toMatch(/^ {2}cleanup +ok +deleted \d+: /m);
    expect(table).toContain('Deleted everything it created');
    expect(text).not.toContain(clientSecret);
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });

  it('reuses a scratch integration an earlier probe left behind, and deletes it', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const left = await adminClient(url).integrations.create({ name: SCRATCH });
    const { code, report } = await probeJson(envFor(url, clientId, clientSecret), tempDir());
    expect(code).toBe(0);
    expect(report.probe?.findings[0]?.seen).toContain(`found ${left.id}`);
    expect(report.probe?.deleted).toContain(left.id);
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });

  it('does not run the probe when a check fails, and creates nothing', async () => {
    const { url, emulator, clientId } = await startEmulator();
    const { code, report } = await probeJson(envFor(url, clientId, 'wrong-secret'), tempDir());
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.probe).toBeNull();
    expect(emulator.calls.filter((c) => c.method !== 'GET' && c.path !== '/oauth/token')).toEqual(
      [],
    );
  });

  it('reports every check in --json and touches nothing of the user', async () => {
    const { url, emulator, clientId, clientSecret } = await startEmulator();
    const admin = adminClient(url);
    const theirs = await admin.integrations.create({ name: 'Tool backend' });
    const theirAction = await admin.dataActions.create({
      name: 'check_inventory',
      category: 'genesys-tools',
      integrationId: theirs.id,
      contract: {
        input: { inputSchema: { type: 'object', properties: { sku: { type: 'string' } } } },
        output: { successSchema: { type: 'object', additionalProperties: true } },
      },
      config: {
        request: {
          requestUrlTemplate: 'https://tools.example.com/check',
          requestType: 'POST',
          headers: {},
          requestTemplate: '${input.rawRequest}',
        },
        response: {
          translationMap: {},
          translationMapDefaults: {},
          successTemplate: '${rawResult}',
        },
      },
    });
    emulator.clearCalls();

    const { code, report } = await probeJson(envFor(url, clientId, clientSecret), tempDir());
    expect(code).toBe(0);
    const probe = report.probe;
    expect(probe).not.toBeNull();
    expect(probe?.completed).toBe(true);
    expect(probe?.interrupted).toBe(false);
    expect(probe?.findings.map((f) => f.check)).toEqual([...PROBE_CHECKS]);
    const statuses = probe?.findings.map((f) => f.status) ?? [];
    expect(statuses.filter((s) => s === 'failed' || s === 'skipped')).toEqual([]);
    for (const f of probe?.findings ?? []) expect(f.seen.length).toBeGreaterThan(0);
    expect(probe?.leftBehind).toEqual([]);
    expect(probe?.deleted.length).toBeGreaterThanOrEqual(3);
    expect(probe?.findings.find((f) => f.check === 'test: rawRequest')?.seen).toContain(
      '${input.rawRequest} became',
    );
    // What the strict emulator answers, as the platform does (reference §10).
    const inline = finding(probe, 'read back: templates inline');
    expect(inline.status).toBe('differs');
    expect(inline.seen).toContain('only requestTemplateUri');
    expect(inline.seen).toContain('only successTemplateUri');
    const files = finding(probe, 'read back: template files');
    expect(files.status).toBe('ok');
    expect(files.seen).toMatch(/^requesttemplate\.vm 200 text\/plain.*, as sent; successtemplate/);
    const typeList = finding(probe, 'type-list input');
    expect(typeList.status).toBe('ok');
    expect(typeList.seen).toContain('refused: GENESYS_VALIDATION 400');
    expect(typeList.seen).toContain('not found in enum');
    const limits = finding(probe, 'data-action limits');
    expect(limits.status).toBe('ok');
    expect(limits.seen).toContain('actions.concurrent.executions.max=15');
    expect(finding(probe, 'same name twice').status).toBe('ok');
    const paging = finding(probe, 'paging pageSize=1');
    expect(paging.status).toBe('ok');
    expect(paging.seen).toContain('2 of 2 scratch actions listed');

    // Nothing of the user's was written to, and it is all still there.
    const writes = emulator.calls.filter(
      (c) => c.method !== 'GET' && (c.path.includes(theirs.id) || c.path.includes(theirAction.id)),
    );
    expect(writes).toEqual([]);
    expect((await admin.dataActions.get(theirAction.id)).version).toBe(theirAction.version);
    expect((await admin.integrations.get(theirs.id)).name).toBe('Tool backend');
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });

  it('reports a refused second action of the same name when the org enforces unique names', async () => {
    const { url, clientId, clientSecret } = await startEmulator({ uniqueActionNames: true });
    const { code, report } = await probeJson(envFor(url, clientId, clientSecret), tempDir());
    expect(code).toBe(0);
    const sameName = finding(report.probe, 'same name twice');
    expect(sameName.status).toBe('differs');
    expect(sameName.seen).toContain('refused: GENESYS_VALIDATION 400');
    // The probe creates a differently named second action instead, so paging still has two.
    expect(finding(report.probe, 'paging pageSize=1').seen).toContain('2 of 2');
    expect(report.probe?.completed).toBe(true);
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });

  it('completes and cleans up when the listing lags behind writes (real clock)', async () => {
    // 300 ms on the real clock: GET by id answers 404 for 150 ms after a create, the listing
    // shows a new action 300 ms late and a deleted one for 300 ms more (reference §10.2).
    const { url, clientId, clientSecret } = await startEmulator({ listingLagMs: 300 });
    const { code, report } = await probeJson(envFor(url, clientId, clientSecret), tempDir());
    expect(code).toBe(0);
    const probe = report.probe;
    expect(probe?.completed).toBe(true);
    expect(probe?.leftBehind).toEqual([]);
    expect(finding(probe, 'cleanup').status).toBe('ok');
    for (const check of ['read back: templates inline', 'read back: contract'] as const) {
      expect(finding(probe, check).status).not.toBe('failed');
    }
    // The listing may still show deleted actions for a moment: ask for each by id instead.
    const admin = adminClient(url);
    expect(probe?.deleted.length).toBeGreaterThanOrEqual(3);
    for (const id of probe?.deleted ?? []) {
      await expect(admin.dataActions.get(id)).rejects.toMatchObject({ status: 404 });
    }
    expect((await scratchLeft(url)).integrations).toEqual([]);
  });

  it('reads the template files with Accept: */*, as the Terraform provider does', async () => {
    // One fake clock for the emulator and the probe; each probe wait moves it on at once.
    const clock = fakeClock();
    const jumping = { nowMs: () => clock.nowMs(), sleep: (ms: number) => clock.advance(ms) };
    const { url, clientId, clientSecret } = await startEmulator({}, { clock: jumping });
    const accepts: string[] = [];
    const recording: typeof fetch = (input, init) => {
      const target = input instanceof Request ? input.url : String(input);
      if (target.includes('/templates/')) {
        accepts.push(new Headers(init?.headers).get('accept') ?? '(none)');
      }
      return fetch(input, init);
    };
    const client = createGenesysClient(
      { apiUrl: url, clientId, clientSecret, maxAttempts: 1 },
      { fetch: recording },
    );
    const probe = await runProbe(client, {
      executionUrl: 'http://127.0.0.1:9',
      clock: jumping,
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    expect(accepts).toEqual(['*/*', '*/*']);
    expect(finding(probe, 'read back: template files').status).toBe('ok');
    expect(finding(probe, 'read back: template files').seen).not.toContain('Accept');
    expect(probe.completed).toBe(true);
  });

  it('deletes what it created when stopped mid-way, and says it was interrupted', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const stop = new AbortController();
    const { ctx, out, err } = fakeCliContext({
      env: envFor(url, clientId, clientSecret),
      cwd: tempDir(),
      stop,
    });
    const stopping = {
      ...ctx,
      // --json writes progress to stderr: stop as soon as the scratch action exists.
      stderr: (s: string) => {
        ctx.stderr(s);
        if (s.includes('created the scratch action')) stop.abort(new Error('stopped by signal'));
      },
    };
    const code = await runCli(['doctor', '--probe', '--json'], stopping);
    expect(code).toBe(1);
    expect(err()).toContain('probe: interrupted; deleting what it created');
    const probe = (JSON.parse(out()) as { probe: ProbeReport }).probe;
    expect(probe.interrupted).toBe(true);
    expect(probe.completed).toBe(false);
    expect(probe.findings.find((f) => f.check === 'create action')?.status).toBe('ok');
    expect(probe.findings.find((f) => f.check === 'data-action limits')).toMatchObject({
      status: 'skipped',
      seen: 'interrupted',
    });
    expect(probe.findings.find((f) => f.check === 'cleanup')?.status).toBe('ok');
    expect(probe.leftBehind).toEqual([]);
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });

  it('prints the ids to delete by hand when a delete is refused, and exits 1', async () => {
    const { url } = await startEmulator({
      clients: [
        { id: 'emulator-client', secret: 'emulator-secret' },
        {
          id: 'no-delete',
          secret: 'no-delete-secret',
          permissions: [
            'integrations:integration:view',
            'integrations:integration:add',
            'integrations:integration:edit',
            'integrations:action:view',
            'integrations:action:add',
            'integrations:action:edit',
            'integrations:action:execute',
          ],
        },
      ],
    });
    const { ctx, out } = fakeCliContext({
      env: envFor(url, 'no-delete', 'no-delete-secret'),
      cwd: tempDir(),
    });
    const code = await runCli(['doctor', '--probe'], ctx);
    expect(code).toBe(1);
    const left = await scratchLeft(url);
    expect(left.integrations).toHaveLength(1);
    expect(left.actions.length).toBeGreaterThanOrEqual(1);
    expect(out()).toMatch(/^ {2}cleanup +FAILED +deleted 0; could not delete /m);
    expect(out()).toContain('Left behind (delete by hand, actions first):');
    for (const id of left.actions) {
      expect(out()).toContain(`DELETE /api/v2/integrations/actions/${id}`);
    }
    expect(out()).toContain(`DELETE /api/v2/integrations/${left.integrations[0] ?? '?'}`);
  });

  it('cleans up when the built CLI gets SIGTERM in the middle of the probe', async () => {
    // The emulator's clock never moves: the /test call waits on its fault latency for ever, so
    // the probe is surely mid-way when the signal arrives.
    const clock = fakeClock();
    const { url, clientId, clientSecret } = await startEmulator(
      {
        faults: {
          rules: [
            { method: 'POST', path: '/api/v2/integrations/actions/*/test', latencyMs: 600_000 },
          ],
        },
      },
      { clock },
    );
    const cwd = tempDir();
    const child = spawn(process.execPath, [BIN, 'doctor', '--probe'], {
      cwd,
      env: { ...process.env, ...envFor(url, clientId, clientSecret), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('created the scratch action')) resolve();
      });
      child.on('close', () => {
        reject(new Error(`the probe ended before it created its action\n${stdout}\n${stderr}`));
      });
    });
    expect(await scratchLeft(url)).not.toEqual({ integrations: [], actions: [] });
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(stdout).toContain('probe: interrupted; deleting what it created');
    expect(stdout).toMatch(/^ {2}test: rawRequest +skipped +interrupted$/m);
    expect(stdout).toMatch(/^ {2}cleanup +ok +deleted \d+: /m);
    expect(await scratchLeft(url)).toEqual({ integrations: [], actions: [] });
  });
});
