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
  /** Resolves once stdout holds `text` (on the write that prints it; no polling). */
  printed: (text: string) => Promise<void>;
} {
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const wake = (): void => {
    for (const w of [...waiters]) {
      if (stdout.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const answer = options.answer;
  const ctx: CliContext = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: (s) => {
      stdout += s;
      wake();
    },
    stderr: (s) => {
      stderr += s;
    },
    isTty: options.isTty ?? false,
    prompt: answer === undefined ? undefined : () => Promise.resolve(answer),
    exitCode: 0,
    stopSignal: (options.stop ?? new AbortController()).signal,
  };
  const printed = (text: string): Promise<void> =>
    stdout.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiters.push({ text, resolve });
        });
  return { ctx, out: () => stdout, err: () => stderr, printed };
}
