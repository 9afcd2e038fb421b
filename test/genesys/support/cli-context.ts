import type { CliContext } from '../../../src/cli/context.js';

/** A CLI context that collects stdout and stderr. */
export function fakeCliContext(env: Record<string, string | undefined>): {
  ctx: CliContext;
  out: () => string;
  err: () => string;
} {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    env,
    cwd: process.cwd(),
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    isTty: false,
    prompt: undefined,
    exitCode: 0,
    stopSignal: new AbortController().signal,
  };
  return { ctx, out: () => stdout, err: () => stderr };
}
