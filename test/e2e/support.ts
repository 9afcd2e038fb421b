import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built binary (npm test builds it first, through `pretest`). */
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end and collects its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not end in time\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the built CLI. */
export function cli(
  args: readonly string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], { env, cwd });
}

export interface Daemon {
  readonly child: ChildProcess;
  /** The first match of the pattern in stdout. */
  readonly match: RegExpMatchArray;
  output(): string;
  /** What it wrote to stderr so far (log lines). */
  errors(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running CLI command and waits until its stdout matches `ready`. */
export function startDaemon(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  cwd = ROOT,
): Promise<Daemon> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) =>
      child.on('close', (code) => {
        r(code);
      }),
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0] ?? ''} did not become ready\n${out}\n${err}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(ready);
      if (match !== null && timer.hasRef()) {
        clearTimeout(timer);
        timer.unref();
        resolve({
          child,
          match,
          output: () => out,
          errors: () => err,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.on('close', (code) => {
      if (timer.hasRef()) {
        clearTimeout(timer);
        reject(
          new Error(`${args[0] ?? ''} exited with ${String(code)} before ready\n${out}\n${err}`),
        );
      }
    });
  });
}

/**
 * Makes `genesys-tools` (this repository, built) and `zod` resolvable from a project in `dir`, as
 * `npm install` would: symlinks in its node_modules.
 */
export function linkPackage(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'genesys-tools'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
}
