/**
 * Debian's `prometheus` package binaries (`promtool`, `prometheus`) for the tests that need them.
 * Locally a test without them skips with one line saying why; in CI (`CI=true`) it fails instead,
 * since `.ci/run` installs the package and a silent skip would hide a check that never ran.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'vitest';

/** The binary's path on PATH, if it is there and executable. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The binary's path; skips the test (locally) or throws (CI) when it is absent. */
export function requireBinary(ctx: TestContext, name: 'promtool' | 'prometheus'): string {
  const found = findOnPath(name);
  if (found !== undefined) return found;
  const reason = `${name} is not installed (apt-get install --no-install-recommends prometheus)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run this test`);
  console.warn(`skipped "${ctx.task.name}": ${reason}`);
  return ctx.skip(reason);
}

/** What a finished promtool run printed. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin args` to its end with `input` on stdin; bounded by `timeoutMs`. */
export function runTool(
  bin: string,
  args: readonly string[],
  input = '',
  timeoutMs = 20_000,
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
