import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { DoctorReport } from '../../src/cli/commands/doctor.js';
import { startEmulator } from '../support/emulator.js';
import { fakeCliContext } from '../support/cli-context.js';

async function doctorJson(
  env: Record<string, string>,
): Promise<{ code: number; report: DoctorReport; text: string }> {
  const { ctx, out, err } = fakeCliContext({ env });
  const code = await runCli(['doctor', '--json'], ctx);
  return { code, report: JSON.parse(out()) as DoctorReport, text: out() + err() };
}

const statusOf = (report: DoctorReport) =>
  Object.fromEntries(report.checks.map((c) => [c.name, c.status]));

describe('genesys-tools doctor', () => {
  it('passes every check against the emulator with a full-permission client', async () => {
    const { url, clientId, clientSecret } = await startEmulator();
    const { code, report, text } = await doctorJson({
      GENESYS_CLOUD_API_URL: url,
      GENESYS_CLOUD_CLIENT_ID: clientId,
      GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    });
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(statusOf(report)).toEqual({
      settings: 'ok',
      region: 'ok',
      token: 'ok',
      'permission integrations:integration:view': 'ok',
      'permission integrations:action:view': 'ok',
    });
    expect(text).not.toContain(clientSecret);
  });

  it('names the missing permission and the fix, and exits 1', async () => {
    const { url } = await startEmulator({
      clients: [
        { id: 'narrow', secret: 'narrow-secret', permissions: ['integrations:integration:view'] },
      ],
    });
    const { ctx, out } = fakeCliContext({
      env: {
        GENESYS_CLOUD_API_URL: url,
        GENESYS_CLOUD_CLIENT_ID: 'narrow',
        GENESYS_CLOUD_CLIENT_SECRET: 'narrow-secret',
      },
    });
    const code = await runCli(['doctor'], ctx);
    expect(code).toBe(1);
    expect(out()).toContain('✗ permission integrations:action:view');
    expect(out()).toMatch(/fix: Add integrations:action:view to the role of the OAuth client/);
    expect(out()).toContain('✓ permission integrations:integration:view');
  });

  it('reports a refused secret at the token step and skips the reads', async () => {
    const { url, clientId } = await startEmulator();
    const { code, report, text } = await doctorJson({
      GENESYS_CLOUD_API_URL: url,
      GENESYS_CLOUD_CLIENT_ID: clientId,
      GENESYS_CLOUD_CLIENT_SECRET: 'definitely-wrong-secret',
    });
    expect(code).toBe(1);
    expect(statusOf(report)).toMatchObject({
      token: 'fail',
      'permission integrations:action:view': 'skip',
    });
    expect(report.checks.find((c) => c.name === 'token')?.detail).toContain('GENESYS_CLOUD_REGION');
    expect(text).not.toContain('definitely-wrong-secret');
  });

  it('names the missing variables when nothing is configured', async () => {
    const { code, report } = await doctorJson({});
    expect(code).toBe(1);
    const settings = report.checks.find((c) => c.name === 'settings');
    expect(settings).toMatchObject({ status: 'fail' });
    expect(settings?.fix).toBe('Set GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET.');
    expect(report.checks.find((c) => c.name === 'region')).toMatchObject({ status: 'fail' });
  });

  it('suggests the closest region for a typo', async () => {
    const { report } = await doctorJson({
      GENESYS_CLOUD_REGION: 'eu-wset-1',
      GENESYS_CLOUD_CLIENT_ID: 'id',
      GENESYS_CLOUD_CLIENT_SECRET: 'secret-value',
    });
    expect(report.checks.find((c) => c.name === 'region')?.detail).toContain(
      'Did you mean "eu-west-1"?',
    );
  });
});
