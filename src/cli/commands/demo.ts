/**
 * `genesys-tools demo` (what `npm start` runs): the whole cycle on the embedded emulator, in one
 * process. It starts the emulator and the execution server, applies the example tools through the
 * `data-actions` target (integration, credential, actions), executes `check_inventory` through the
 * emulator's data action `execute` as Genesys would, prints each step and where to look, and keeps
 * serving until Ctrl-C (or exits at once with `--once`).
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfigFile, loadEnvConfig } from '../../config.js';
import type { ToolDefinition } from '../../definition/index.js';
import { loadTools } from '../../definition/index.js';
import { createEmulator, DEFAULT_CLIENT } from '../../emulator/index.js';
import type { Emulator } from '../../emulator/index.js';
import { exportLines } from './emulator.js';
import { ConfigError, DefinitionError, SyncError } from '../../errors.js';
import { createGenesysClient } from '../../genesys/index.js';
import { createRegistry } from '../../sync-tools.js';
import type { Registry } from '../../registry/index.js';
import type { ChangeEvent } from '../../sync/index.js';
import { createToolServer } from '../../server/index.js';
import { verifyAuditFiles } from '../../telemetry/index.js';
import type { CliContext } from '../context.js';
import { untilStopped } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { wireServer } from '../wiring.js';
import type { DemoSync } from './demo-bindings.js';
import { isGone, planAndApply, printBindings, withContractChange } from './demo-bindings.js';
import { readRegistryEndpoint } from './demo-report.js';

const port = z.coerce.number().int().min(0).max(65_535);

const DemoFlagsSchema = z.strictObject({
  tools: z.string().min(1).default('./examples/tools'),
  config: z.string().min(1).default('./examples/genesys-tools.config.yaml'),
  once: z.boolean().default(false),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8080),
  emulatorPort: port.default(9900),
  metricsPort: port.default(9464),
  auditFile: z.string().min(1).optional(),
  sku: z.string().min(1).default('SKU-12345'),
});

type DemoFlags = z.output<typeof DemoFlagsSchema>;

function parseFlags(raw: Record<string, unknown>): DemoFlags {
  const parsed = DemoFlagsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
  throw new ConfigError('CONFIG_USAGE', `demo: ${problems.join('; ')}`);
}

async function demoTools(ctx: CliContext, dir: string): Promise<readonly ToolDefinition[]> {
  const { tools, issues } = await loadTools([dir], { cwd: ctx.cwd, target: 'data-actions' });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new DefinitionError(
      errors[0]?.code ?? 'DEFINITION_INVALID',
      `demo: ${dir} has tool files with errors:\n${errors
        .map((i) => `  ${i.file}${i.pointer}: ${i.message}`)
        .join('\n')}`,
    );
  }
  const served = tools.filter((t) => t.handler !== undefined);
  if (!served.some((t) => t.name === 'check_inventory')) {
    throw new DefinitionError(
      'DEFINITION_NOT_FOUND',
      `demo: no check_inventory tool with a handler in ${dir}; run it from the repository root or pass --tools examples/tools.`,
    );
  }
  return served;
}

/** Runs the demo; resolves when it has shut down. */
export async function runDemo(ctx: CliContext, raw: Record<string, unknown>): Promise<void> {
  const flags = parseFlags(raw);
  const env = loadEnvConfig(ctx.env);
  const say = (line: string): void => {
    ctx.stdout(`${line}\n`);
  };
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close();
  };

  try {
    const tools = await demoTools(ctx, flags.tools);
    say(
      `1. loaded ${tools.length} tools from ${flags.tools}: ${tools.map((t) => t.name).join(', ')}`,
    );

    const file = await loadConfigFile(ctx.cwd, flags.config);
    if (file === undefined) throw new ConfigError('CONFIG_MISSING', `demo: no ${flags.config}`);
    // The guide and agent the config binds exist in AI Studio first (this project never creates
    // them): the emulator seeds them empty, as `emulator --seed-guide/--seed-agent` do.
    const emulator: Emulator = await createEmulator({
      seedGuides: file.guides.flatMap((g) => (g.name === undefined ? [] : [g.name])),
      seedAgents: file.agents.flatMap((a) => (a.name === undefined ? [] : [a.name])),
    });
    closers.push(() => emulator.close());
    const emulatorUrl = await emulator.listen({ host: '127.0.0.1', port: flags.emulatorPort });
    say(`2. embedded Genesys Cloud emulator at ${emulatorUrl} (OAuth client ${DEFAULT_CLIENT.id})`);
    say(
      `   with an empty guide ${file.guides.map((g) => `"${g.name ?? g.id ?? ''}"`).join(', ')} and agent ${file.agents.map((a) => `"${a.name ?? a.id ?? ''}"`).join(', ')} (made in AI Studio on a real org)`,
    );

    // A fresh caller token: the data action credential sends it, the server accepts only it.
    const bearerToken = randomBytes(24).toString('base64url');
    // The registry needs the server's URL, known only once it listens; the registry endpoint
    // reads it lazily.
    let registry: Registry | undefined = undefined;
    const wiring = await wireServer(ctx, env, {
      tools,
      registry: () => registry,
      metricsPort: flags.metricsPort,
      metricsHost: flags.host,
      ...(flags.auditFile === undefined ? {} : { auditFile: flags.auditFile }),
      secrets: [bearerToken],
    });
    closers.push(() => wiring.close());
    const client = createGenesysClient(
      {
        apiUrl: emulatorUrl,
        loginUrl: emulatorUrl,
        clientId: DEFAULT_CLIENT.id,
        clientSecret: DEFAULT_CLIENT.secret,
        // The client's requests, retries and 429s show in the metrics too.
        onEvent: wiring.telemetry.onClientEvent,
      },
      { logger: wiring.logger },
    );

    const server = await createToolServer(
      {
        tools: [...tools],
        auth: { bearerTokens: [bearerToken] },
        observer: wiring.telemetry.observer,
        audit: wiring.auditLog,
        ...(wiring.remoteStatus === undefined ? {} : { remoteStatus: wiring.remoteStatus }),
      },
      { logger: wiring.logger },
    );
    closers.push(() => server.close());
    const serverUrl = await server.listen({ host: flags.host, port: flags.port });
    say(`3. execution server at ${serverUrl} (bearer token generated for this run)`);

    const actions = createRegistry({ executionUrl: serverUrl, bearerToken }, client);
    registry = actions;
    const names = tools.map((t) => t.name);
    const onChange = async (e: ChangeEvent): Promise<void> => {
      // The SIEM sees registry changes as well as calls (DESIGN "Telemetry and audit"); awaited,
      // so that a failed write stops the apply cleanly (SYNC_APPLY_STOPPED).
      if (e.outcome !== 'skipped') {
        await wiring.auditLog.appendChange({
          time: new Date().toISOString(),
          actor: client.clientId,
          action: e.kind,
          tool: e.name,
          target: 'data-actions',
          outcome: e.outcome === 'applied' ? 'success' : 'error',
          ...(e.remoteId === undefined ? {} : { remoteId: e.remoteId }),
          ...(e.correlationId === undefined ? {} : { correlationId: e.correlationId }),
        });
      }
      const ids =
        e.kind === 'replace'
          ? ` -> data action ${e.remoteId ?? '?'} (was ${e.previousId ?? '?'})`
          : e.remoteId === undefined
            ? ''
            : ` -> data action ${e.remoteId}`;
      say(`   ${e.outcome} ${e.kind} ${e.name}${ids}`);
    };
    const demo: DemoSync = { ctx, env, client, registry: actions, file, say, onChange };
    say(`4. plan against the emulator (${flags.config}):`);
    const result = await planAndApply(demo, tools, false);
    say(
      `5. applied ${result.applied} change(s): integration, credential and data actions are in place, and the tools reach the model:`,
    );
    await printBindings(demo, result.ids);

    const after = await actions.list(names, {});
    const action = after.find((e) => e.managed && e.name === 'check_inventory');
    if (action === undefined) {
      throw new SyncError('SYNC_NOT_FOUND', 'demo: check_inventory is not registered after apply');
    }
    const input = { sku: flags.sku };
    const executed = await actions.invoke(action, input);
    say(
      `6. executed data action ${action.id} (check_inventory) through the emulator with ${JSON.stringify(input)}:`,
    );
    say(`   output ${JSON.stringify(executed.output)}`);

    const view = await readRegistryEndpoint(serverUrl, bearerToken);
    say(`7. the server's registry endpoint now reports: ${view}`);

    const metrics = await wiring.telemetry.collectPrometheusText();
    say('8. metrics of the call (Prometheus exposition):');
    for (const line of metrics.split('\n')) {
      if (
        /^(genesys_tools_invocation_successes_total|http_server_request_duration_seconds_count)\{/.test(
          line,
        )
      ) {
        say(`   ${line}`);
      }
    }

    const changed = tools.map((t) => (t.name === 'check_inventory' ? withContractChange(t) : t));
    say(
      "9. a contract change: check_inventory's sku gets minLength 3 (in a copy of the definition). Genesys cannot change a contract in place, so the action is replaced (new id); the guide and agent are re-pointed before the old action is deleted:",
    );
    const replaced = await planAndApply(demo, changed, true);
    const oldId = action.id;
    await printBindings(demo, replaced.ids);
    say(
      `   old data action ${oldId}: ${(await isGone(client, oldId)) ? 'deleted' : 'STILL THERE'}`,
    );

    say('10. where to look:');
    // The registry endpoint asks for the caller credential, so the line says how to send it:
    // the token exists for this run only and the server listens on this machine.
    say(
      `   registry   curl -H 'Authorization: Bearer ${bearerToken}' ${serverUrl}/api/v1/tools/registry`,
    );
    say(`   health     ${serverUrl}/healthz  ${serverUrl}/readyz`);
    say(`   metrics    ${wiring.telemetry.metricsUrl ?? '(off)'}`);
    say(`   audit log  ${wiring.auditFile}`);
    say('   emulator   (paste into your shell)');
    for (const line of exportLines(emulatorUrl, DEFAULT_CLIENT)) say(`              ${line}`);

    if (!flags.once) {
      say('serving until Ctrl-C');
      await untilStopped(ctx);
      say('stopping: draining calls in flight');
    }
  } finally {
    await closeAll();
  }
  const auditFile = flags.auditFile ?? env.auditFile;
  const verification = await verifyAuditFiles([auditFile]);
  say(
    `audit verify ${auditFile}: ${verification.ok ? 'ok' : 'BROKEN'} (${verification.records} records)`,
  );
  say('stopped');
  ctx.exitCode = verification.ok ? EXIT.ok : EXIT.failure;
}

/** Registers `demo`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'Run the whole cycle on the embedded emulator: emulator, server, apply, execute (npm start)',
    )
    .option('--tools <dir>', 'tool directory', './examples/tools')
    .option(
      '--config <file>',
      'config file with the guides and agents to bind',
      './examples/genesys-tools.config.yaml',
    )
    .option('--once', 'run the cycle, shut down and exit (for tests and CI)')
    .option('--host <host>', 'interface of the execution server and metrics', '127.0.0.1')
    .option('--port <port>', 'execution server port (0 picks a free one)', '8080')
    .option('--emulator-port <port>', 'emulator port (0 picks a free one)', '9900')
    .option('--metrics-port <port>', 'Prometheus metrics port (0 picks a free one)', '9464')
    .option(
      '--audit-file <file>',
      'audit log path (default GENESYS_TOOLS_AUDIT_FILE or ./audit/audit.jsonl)',
    )
    .option('--sku <sku>', 'the SKU check_inventory is executed with', 'SKU-12345')
    .action(async (options: Record<string, unknown>) => {
      await runDemo(ctx, options);
    });
}
