/**
 * What `plan`, `apply`, `destroy`, `list` and `invoke` share: settings from the environment and
 * flags, the client and registry, loading tools, approval, progress lines and audit records.
 */
import { resolve } from 'node:path';
import type { EnvConfig } from '../../config.js';
import type { FileConfig } from '../../config.js';
import { loadConfigFile, loadEnvConfig, requireSecureUrls } from '../../config.js';
import type { TargetName, ToolDefinition } from '../../definition/index.js';
import { loadTools } from '../../definition/index.js';
import { ConfigError, DefinitionError, SyncError } from '../../errors.js';
import type { GenesysClient } from '../../genesys/index.js';
import { createGenesysClient } from '../../genesys/index.js';
import type { Registry } from '../../registry/index.js';
import type { ChangeEvent, Plan, PlanOptions, ProgressListener } from '../../sync/index.js';
import { createRegistry, planTools } from '../../sync-tools.js';
import type { AuditLog, RegistryChange } from '../../telemetry/index.js';
import { createAuditLog } from '../../telemetry/index.js';
import type { CliContext } from '../context.js';
import { cliLogger } from '../wiring.js';

/** Flags every sync command accepts. */
export interface SyncFlags {
  readonly target?: string;
  readonly executionUrl?: string;
  readonly category?: string;
  readonly config?: string;
  readonly integrationId?: string;
  readonly json?: boolean;
}

/** The wired pieces of a sync command. */
export interface SyncSession {
  readonly env: EnvConfig;
  readonly target: TargetName;
  readonly client: GenesysClient;
  readonly registry: Registry;
  /** The config file's settings, when there is one. */
  readonly file: FileConfig | undefined;
}

function parseTarget(value: string | undefined, fallback: TargetName): TargetName {
  if (value === undefined) return fallback;
  if (value === 'data-actions' || value === 'gateway') return value;
  throw new ConfigError('CONFIG_INVALID', `--target ${value}: expected data-actions or gateway`, {
    details: { flag: '--target' },
  });
}

/**
 * Builds the client and registry. Precedence (as `validate`): the flag, then the config file
 * (`--config`, else genesys-tools.config.* in the directory), then the environment.
 * @throws ConfigError CONFIG_MISSING, CONFIG_INVALID, CONFIG_UNKNOWN_REGION, CONFIG_FILE_INVALID
 */
export async function openSession(
  ctx: CliContext,
  flags: SyncFlags,
  needs: { readonly executionUrl: boolean } = { executionUrl: true },
): Promise<SyncSession> {
  const env = loadEnvConfig(ctx.env);
  const file = await loadConfigFile(ctx.cwd, flags.config);
  const target = parseTarget(flags.target, file?.target ?? env.target);
  // list, invoke and destroy never build a data action, so any URL will do for them.
  const executionUrl =
    flags.executionUrl ??
    file?.executionUrl ??
    env.executionUrl ??
    (needs.executionUrl ? undefined : 'https://execution-url.invalid');
  if (executionUrl === undefined) {
    throw new ConfigError(
      'CONFIG_MISSING',
      'no execution server URL: set GENESYS_TOOLS_EXECUTION_URL, executionUrl in the config file, or pass --execution-url (the public base URL of `genesys-tools serve`; tool endpoints are {url}/api/v1/tools/{name})',
      { details: { variables: ['GENESYS_TOOLS_EXECUTION_URL'] } },
    );
  }
  // The data actions send the bearer token to this URL: never in clear text to a remote host.
  if (needs.executionUrl) {
    requireSecureUrls({ 'executionUrl (--execution-url)': executionUrl }, env.allowInsecureHttp);
  }
  const client = createGenesysClient(
    {
      ...(env.region === undefined ? {} : { region: env.region }),
      ...(env.apiUrl === undefined ? {} : { apiUrl: env.apiUrl }),
      ...(env.loginUrl === undefined ? {} : { loginUrl: env.loginUrl }),
      ...(env.clientId === undefined ? {} : { clientId: env.clientId }),
      ...(env.clientSecret === undefined ? {} : { clientSecret: env.clientSecret }),
      requestsPerMinute: env.requestsPerMinute,
    },
    // Each HTTP exchange at debug, bodies at trace, secrets scrubbed (LOG_LEVEL).
    { logger: cliLogger(ctx, env) },
  );
  const bearerToken = env.bearerTokens[0];
  const category = flags.category ?? file?.category;
  const integrationId = flags.integrationId ?? file?.integrationId;
  // The library's createRegistry, as `syncTools` users build it (retries reach onProgress).
  const registry =
    target === 'data-actions'
      ? createRegistry(
          {
            executionUrl,
            ...(category === undefined ? {} : { category }),
            ...(file?.integrationName === undefined
              ? {}
              : { integrationName: file.integrationName }),
            ...(integrationId === undefined ? {} : { integrationId }),
            ...(bearerToken === undefined ? {} : { bearerToken }),
          },
          client,
        )
      : createRegistry({ target: 'gateway', executionUrl }, client);
  return { env, target, client, registry, file };
}

/**
 * Loads the tool files; prints warnings; refuses to go on when any tool has errors, since a
 * missing tool would look like a deletion to the plan.
 * @throws DefinitionError DEFINITION_INVALID listing every problem by file and pointer.
 */
export async function loadDesiredTools(
  ctx: CliContext,
  paths: readonly string[],
  session: Pick<SyncSession, 'target' | 'file'>,
): Promise<readonly ToolDefinition[]> {
  // Arguments, else the config file's `tools`, else ./tools (DESIGN "CLI").
  const chosen = paths.length > 0 ? paths : (session.file?.tools ?? ['./tools']);
  const { tools, issues } = await loadTools(chosen, { cwd: ctx.cwd, target: session.target });
  for (const i of issues.filter((x) => x.severity === 'warning')) {
    ctx.stderr(
      `warning ${i.code}: ${i.file}${i.pointer === '' ? '' : ` ${i.pointer}`}: ${i.message}\n`,
    );
  }
  const errors = issues.filter((x) => x.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0];
    throw new DefinitionError(
      first?.code ?? 'DEFINITION_INVALID',
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the tool files; nothing was planned:\n${errors
        .map(
          (i) => `  ${i.file}${i.pointer === '' ? '' : ` ${i.pointer}`}: ${i.code}: ${i.message}`,
        )
        .join('\n')}`,
      {
        details: {
          issues: errors.map((i) => ({
            file: i.file,
            pointer: i.pointer,
            code: i.code,
            message: i.message,
          })),
        },
      },
    );
  }
  return tools;
}

/** Lists the remote state and plans against `tools` (the library's `planTools`). */
export async function makePlan(
  session: SyncSession,
  tools: readonly ToolDefinition[],
  options: Pick<PlanOptions, 'prune' | 'adopt' | 'destroy'> & {
    readonly onProgress?: ProgressListener;
  },
  signal: AbortSignal,
): Promise<{ plan: Plan; names: string[] }> {
  const plan = await planTools(session.registry, tools, { ...options, signal });
  return { plan, names: tools.map((t) => t.name) };
}

/**
 * Asks before changing the org, unless `--auto-approve`.
 * @throws SyncError SYNC_NOT_APPROVED without a terminal, or when the answer is not `yes`.
 */
export async function approve(
  ctx: CliContext,
  question: string,
  autoApprove: boolean,
): Promise<void> {
  if (autoApprove) return;
  if (!ctx.isTty || ctx.prompt === undefined) {
    throw new SyncError(
      'SYNC_NOT_APPROVED',
      'no terminal to ask for approval; nothing was changed. Pass --auto-approve to run without asking (CI).',
    );
  }
  const answer = await ctx.prompt(`${question}\n  Only 'yes' will be accepted: `);
  if (answer.trim() !== 'yes') {
    throw new SyncError('SYNC_NOT_APPROVED', 'not approved; nothing was changed.');
  }
}

const SYMBOL: Readonly<Record<ChangeEvent['kind'], string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
};

/** One progress line for a finished change. */
export function progressLine(e: ChangeEvent): string {
  const width = String(e.total).length;
  const counter = `[${String(e.done).padStart(width)}/${e.total}]`;
  const id =
    e.kind === 'delete'
      ? ` (id ${e.previousId ?? '?'})`
      : e.remoteId === undefined
        ? ''
        : e.kind === 'replace'
          ? ` (id ${e.previousId ?? '?'} -> ${e.remoteId})`
          : ` (id ${e.remoteId})`;
  const what =
    e.outcome === 'failed'
      ? `failed: ${e.error?.code ?? 'error'}: ${e.error?.message ?? ''}`
      : e.outcome;
  const note = e.reconciled ? ' (found already created after a lost answer)' : '';
  return `${counter} ${SYMBOL[e.kind]} ${e.kind} ${e.name}: ${what}${id}${note}`;
}

/** Writes progress: one plain line per change, or one rewritten line on a terminal. */
export function progressWriter(
  ctx: CliContext,
  json: boolean,
): {
  onChange: (e: ChangeEvent) => void;
  finish: () => void;
} {
  const write = json ? ctx.stderr : ctx.stdout;
  let rewriting = false;
  return {
    onChange: (e) => {
      if (ctx.isTty && !json && e.outcome === 'applied') {
        write(`\r\u001b[K${progressLine(e)}`);
        rewriting = true;
        return;
      }
      write(`${rewriting ? '\n' : ''}${progressLine(e)}\n`);
      rewriting = false;
    },
    finish: () => {
      if (rewriting) write('\n');
    },
  };
}

/**
 * The audit log of registry changes (DESIGN "Telemetry and audit"), and a hook feeding it: each
 * record is awaited by the change that made it, so a failed write stops the apply cleanly
 * (SYNC_APPLY_STOPPED) instead of surfacing later as an unhandled rejection.
 */
export async function openChangeAudit(
  ctx: CliContext,
  session: SyncSession,
): Promise<{
  record: (e: ChangeEvent, adopt: boolean) => Promise<void>;
  close: () => Promise<void>;
}> {
  const { env } = session;
  const log: AuditLog = await createAuditLog(
    {
      file: resolve(ctx.cwd, env.changeAuditFile),
      ...(env.auditHmacKey === undefined ? {} : { hmacKey: env.auditHmacKey }),
    },
    { logger: cliLogger(ctx, env) },
  );
  return {
    record: async (e, adopt) => {
      if (e.outcome === 'skipped') return;
      const change: {
        -readonly [K in keyof RegistryChange]: RegistryChange[K];
      } = {
        time: new Date().toISOString(),
        actor: session.client.clientId,
        action: adopt ? 'adopt' : e.kind,
        tool: e.name,
        target: session.target,
        outcome: e.outcome === 'applied' ? 'success' : 'error',
      };
      const remoteId = e.remoteId ?? e.previousId;
      if (remoteId !== undefined) change.remoteId = remoteId;
      if (e.error !== undefined) change.errorCode = e.error.code;
      if (e.correlationId !== undefined) change.correlationId = e.correlationId;
      await log.appendChange(change);
    },
    close: () => log.close(),
  };
}
