/**
 * `genesys-tools doctor [--json] [--probe]`: checks the settings, resolves the region and hosts,
 * gets a token and makes one read per permission the project needs, then prints a checklist with
 * the fix for each failure. Exit 1 when a check fails. `--probe` then runs the first-run probe
 * (probe.ts): exit 0 when it ran to the end, whatever it found.
 */
import type { Command } from 'commander';
import type { EnvConfig } from '../../config.js';
import { loadConfigFile, loadEnvConfig } from '../../config.js';
import { systemClock } from '../../deps.js';
import { ERROR_CATALOGUE, isGenesysToolsError } from '../../errors.js';
import type { GenesysClient, ResolvedHosts } from '../../genesys/index.js';
import { createGenesysClient, requireCredentials, resolveHosts } from '../../genesys/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { cliLogger } from '../wiring.js';
import { runProbe } from './probe.js';
import type { ProbeReport } from './probe-report.js';
import { renderProbeReport } from './probe-report.js';
import { isRecord } from '../../is-record.js';

/** The outcome of one check. */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'fail' | 'skip';
  readonly detail: string;
  readonly fix?: string;
}

/** What `doctor --json` prints. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
  /** Permissions the project also needs that a read-only check cannot prove. */
  readonly notChecked: readonly string[];
}

/**
 * One read per permission (reference §1); the rest of the README's permission table is listed as
 * not checked (a test keeps the two equal).
 */
export const PERMISSION_READS = [
  { permission: 'integrations:integration:view', route: '/api/v2/integrations' },
  { permission: 'integrations:action:view', route: '/api/v2/integrations/actions' },
] as const;

export const NOT_CHECKED = [
  'integrations:integration:add',
  'integrations:integration:edit',
  'integrations:integration:delete',
  'integrations:action:add',
  'integrations:action:edit',
  'integrations:action:delete',
  'integrations:action:execute',
  'aiStudio:guide:view',
  'aiStudio:guideVersion:view',
  'aiStudio:guideVersion:add',
  'aiStudio:guideVersionJob:add',
  'aiStudio:guideVersionJob:view',
  'agentic:virtualAgent:view',
  'agentic:virtualAgentVersion:view',
  'agentic:virtualAgentVersion:add',
  'agentic:virtualAgentVersionJob:add',
  'agentic:virtualAgentJob:view',
  'architect:dependencyTracking:view',
] as const;

/** Registers `doctor`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'Check settings, region, token and Genesys Cloud permissions, and print the fix for each failure',
    )
    .option('--json', 'print the checklist as JSON')
    .option(
      '--probe',
      'then create a scratch integration and data action, ask the org how it answers (read back, /test, type lists, same names, paging, limits) and delete them; run once on a sandbox org',
    )
    .action(async (options: { json?: boolean; probe?: boolean }) => {
      const json = options.json === true;
      const report = await runDoctor(ctx);
      if (options.probe !== true) {
        ctx.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
        ctx.exitCode = report.ok ? EXIT.ok : EXIT.failure;
        return;
      }
      if (!json) ctx.stdout(renderReport(report));
      const probe = report.ok ? await probeOrg(ctx, json) : undefined;
      if (json) ctx.stdout(`${JSON.stringify({ ...report, probe: probe ?? null }, null, 2)}\n`);
      else if (probe === undefined)
        ctx.stdout('The probe did not run: fix the failed checks first.\n');
      else ctx.stdout(`\n${renderProbeReport(probe)}`);
      ctx.exitCode = probe?.completed === true ? EXIT.ok : EXIT.failure;
    });
}

/** Runs the probe with a client of its own (the checks have passed, so the settings are good). */
async function probeOrg(ctx: CliContext, json: boolean): Promise<ProbeReport> {
  const env = loadEnvConfig(ctx.env);
  const file = await loadConfigFile(ctx.cwd);
  const hosts = resolveHosts(env);
  const client = createGenesysClient(
    {
      apiUrl: hosts.apiUrl,
      loginUrl: hosts.loginUrl,
      ...requireCredentials(env),
      maxAttempts: 3,
      requestTimeoutMs: 16_000,
      deadlineMs: 60_000,
    },
    { logger: cliLogger(ctx, env) },
  );
  const progress = json ? ctx.stderr : ctx.stdout;
  return runProbe(client, {
    executionUrl: env.executionUrl ?? file?.executionUrl,
    clock: systemClock,
    signal: ctx.stopSignal,
    progress: (line) => {
      progress(`${line}\n`);
    },
  });
}

/** Runs every check; never throws for a failed check, it reports it. */
export async function runDoctor(ctx: CliContext): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const finish = (): DoctorReport => ({
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    notChecked: NOT_CHECKED,
  });
  const skipReads = (reason: string): DoctorReport => {
    for (const read of PERMISSION_READS) {
      checks.push({ name: `permission ${read.permission}`, status: 'skip', detail: reason });
    }
    return finish();
  };
  const skipRest = (reason: string): DoctorReport => {
    checks.push({ name: 'token', status: 'skip', detail: reason });
    return skipReads(reason);
  };

  let env: EnvConfig;
  try {
    env = loadEnvConfig(ctx.env);
  } catch (error) {
    checks.push(failure('settings', error));
    return skipRest('settings are invalid');
  }
  let credentials: { clientId: string; clientSecret: string };
  try {
    credentials = requireCredentials(env);
    checks.push({
      name: 'settings',
      status: 'ok',
      detail: `GENESYS_CLOUD_CLIENT_ID=${credentials.clientId}, GENESYS_CLOUD_CLIENT_SECRET is set (not shown), target ${env.target}`,
    });
  } catch (error) {
    checks.push(failure('settings', error));
    credentials = { clientId: '', clientSecret: '' };
  }
  let hosts: ResolvedHosts;
  try {
    hosts = resolveHosts(env);
    checks.push({ name: 'region', status: 'ok', detail: describeHosts(hosts, env) });
  } catch (error) {
    checks.push(failure('region', error));
    return skipRest('no region');
  }
  if (credentials.clientId === '') return skipRest('no client credentials');

  const client = createGenesysClient({
    apiUrl: hosts.apiUrl,
    loginUrl: hosts.loginUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    maxAttempts: 2,
    requestTimeoutMs: 10_000,
    deadlineMs: 30_000,
  });
  try {
    await client.tokenProvider.getToken(ctx.stopSignal);
    checks.push({
      name: 'token',
      status: 'ok',
      detail: `token issued by ${hosts.loginUrl}/oauth/token`,
    });
  } catch (error) {
    checks.push(failure('token', error));
    return skipReads('no token');
  }
  for (const read of PERMISSION_READS) checks.push(await checkRead(client, read, ctx.stopSignal));
  if (env.target === 'gateway') {
    checks.push(
      await checkRead(
        client,
        { permission: undefined, route: '/api/v2/ai/assistant/tools' },
        ctx.stopSignal,
      ),
    );
  }
  return finish();
}

async function checkRead(
  client: GenesysClient,
  read: { readonly permission: string | undefined; readonly route: string },
  signal: AbortSignal,
): Promise<DoctorCheck> {
  const name =
    read.permission === undefined ? `gateway ${read.route}` : `permission ${read.permission}`;
  try {
    await client.transport.send({
      method: 'GET',
      route: read.route,
      query: { pageSize: 1 },
      signal,
    });
    return { name, status: 'ok', detail: `GET ${read.route} answered` };
  } catch (error) {
    return failure(name, error);
  }
}

function describeHosts(hosts: ResolvedHosts, env: EnvConfig): string {
  const region =
    hosts.region === undefined
      ? 'no region (explicit URLs)'
      : `${hosts.region.awsRegion} (${hosts.region.domain})`;
  const overridden =
    env.apiUrl !== undefined || env.loginUrl !== undefined
      ? ', overridden by GENESYS_CLOUD_*_URL'
      : '';
  return `${region}: API ${hosts.apiUrl}, login ${hosts.loginUrl}${overridden}`;
}

function failure(name: string, error: unknown): DoctorCheck {
  if (isGenesysToolsError(error)) {
    return { name, status: 'fail', detail: `${error.code}: ${error.message}`, fix: fixFor(error) };
  }
  return { name, status: 'fail', detail: error instanceof Error ? error.message : String(error) };
}

function fixFor(error: {
  readonly code: keyof typeof ERROR_CATALOGUE;
  readonly details?: unknown;
}): string {
  const details = error.details;
  if (error.code === 'GENESYS_FORBIDDEN' && isRecord(details)) {
    const permissions = details['permissions'];
    if (Array.isArray(permissions) && permissions.length > 0) {
      return `Add ${permissions.join(', ')} to the role of the OAuth client (Admin > Roles / Permissions), and assign the role to the client.`;
    }
  }
  if (error.code === 'CONFIG_MISSING' && isRecord(details) && Array.isArray(details['variables'])) {
    const variables = details['variables'].map(String);
    return variables.includes('GENESYS_CLOUD_REGION')
      ? "Set GENESYS_CLOUD_REGION to your org's region (us-east-1, eu-west-1, ...), or GENESYS_CLOUD_API_URL for the emulator or a proxy."
      : `Set ${variables.join(' and ')}.`;
  }
  return ERROR_CATALOGUE[error.code].fix;
}

const MARK = { ok: '✓', fail: '✗', skip: '-' } as const;

/** The checklist for people. */
export function renderReport(report: DoctorReport): string {
  const lines = ['genesys-tools doctor'];
  for (const check of report.checks) {
    lines.push(`  ${MARK[check.status]} ${check.name}: ${check.detail}`);
    if (check.fix !== undefined) lines.push(`      fix: ${check.fix}`);
  }
  lines.push(`  Also needed, not checked without making changes: ${report.notChecked.join(', ')}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`);
  return `${lines.join('\n')}\n`;
}
