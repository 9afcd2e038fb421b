/** What every command receives from main: its I/O and environment, injectable for tests. */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Where log lines go; `stderr` when absent. The process's context batches the lines of each turn
   * of the event loop into one write on fd 2 (telemetry/log-destination.ts): a server logs a line
   * per call, and a write for each was the largest single cost of logging (bench/server.ts).
   */
  readonly logStream?: { write(line: string): void };
  /** True when stdout is a terminal (progress bars, prompts). */
  readonly isTty: boolean;
  /** True when stderr is a terminal: progress of long waits is one rewritten line there. */
  readonly stderrIsTty?: boolean;
  /** Reads one line from the user (confirmation prompts); undefined when there is no terminal. */
  readonly prompt: ((question: string) => Promise<string>) | undefined;
  /** A command sets this to its exit code; 0 when it never does. */
  exitCode: number;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  readonly stopSignal: AbortSignal;
}

/** Resolves when the process is asked to stop (at once if it already was). */
export async function untilStopped(ctx: CliContext): Promise<void> {
  if (ctx.stopSignal.aborted) return;
  await new Promise<void>((resolve) => {
    ctx.stopSignal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
}
