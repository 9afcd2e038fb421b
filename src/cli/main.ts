#!/usr/bin/env node
/**
 * The `genesys-tools` command: thin wiring of the rooms (DESIGN "CLI"). Each command lives in
 * commands/*.ts and exports `register(program, ctx)`.
 */
import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isGenesysToolsError } from '../errors.js';
import { processLogDestination } from '../telemetry/log-destination.js';
import type { CliContext } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { COMMANDS } from './commands/index.js';
import { cliStyle } from './style.js';
import { packageVersion } from './version.js';

/** Builds the commander program with every command registered. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('genesys-tools')
    .description(
      'Define tools once; validate them, register them with Genesys Cloud as Web Services data actions, serve, observe and audit them.',
    )
    .version(packageVersion(), '-v, --version', 'print the version of genesys-tools')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        ctx.stdout(s);
      },
      writeErr: (s) => {
        ctx.stderr(s);
      },
    });
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
    }
    if (isGenesysToolsError(error)) {
      if (json) {
        ctx.stdout(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      } else {
        const style = cliStyle(ctx, json);
        ctx.stderr(
          `${style.error(`error ${error.code}:`)} ${error.message}\n  ${style.dim('fix:')} ${error.fix}\n`,
        );
      }
      if (argv.includes('--debug') && error.stack !== undefined) ctx.stderr(`${error.stack}\n`);
      return exitCodeFor(error.code);
    }
    // One format for every error (issue 15 item 17): an error that is not ours has no code of
    // the catalogue, so it is shown as UNEXPECTED with the way to learn more.
    const message = error instanceof Error ? error.message : String(error);
    ctx.stderr(
      `error UNEXPECTED: ${message}\n  fix: run again with --debug for the stack trace; if it persists, report it with that trace\n`,
    );
    if (argv.includes('--debug') && error instanceof Error && error.stack !== undefined) {
      ctx.stderr(`${error.stack}\n`);
    }
    return EXIT.failure;
  }
}

/** The process's own context: real stdio and env; `stopSignal` fires on SIGINT/SIGTERM. */
export function processContext(stopSignal: AbortSignal): CliContext {
  const isTty = process.stdout.isTTY && process.stdin.isTTY;
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    logStream: processLogDestination(2),
    isTty,
    stderrIsTty: process.stderr.isTTY,
    prompt: isTty
      ? async (question) => {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          try {
            return await rl.question(question);
          } finally {
            rl.close();
          }
        }
      : undefined,
    exitCode: 0,
    stopSignal,
  };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort(new Error('stopped by signal'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const code = await runCli(process.argv.slice(2), processContext(stop.signal));
  // Once the command has ended a signal ends the process again (the default action): a handle
  // left open by mistake must never make the process deaf to SIGTERM (issue 15 item 5).
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
}
