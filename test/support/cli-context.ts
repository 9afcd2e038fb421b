import type { CliContext } from '../../src/cli/context.js';

/** What a fake context may set; everything else is a non-interactive terminal in `process.cwd()`. */
export interface FakeCliOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Aborting it stops long-running commands (serve, emulator). */
  readonly stop?: AbortController;
  readonly isTty?: boolean;
  /** The answer every prompt gets; no prompt when absent. */
  readonly answer?: string;
}

/** A CLI context that collects what a command writes to stdout and stderr. */
export function fakeCliContext(options: FakeCliOptions = {}): {
  ctx: CliContext;
  out: () => string;
  err: () => string;
} {
  let stdout = '';
  let stderr = '';
  const answer = options.answer;
  const ctx: CliContext = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    isTty: options.isTty ?? false,
    prompt: answer === undefined ? undefined : () => Promise.resolve(answer),
    exitCode: 0,
    stopSignal: (options.stop ?? new AbortController()).signal,
  };
  return { ctx, out: () => stdout, err: () => stderr };
}
