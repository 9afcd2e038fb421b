/**
 * Progress of long waits on stderr (issue 15 item 17). On a terminal one line is rewritten in
 * place (`\r` and erase-line) and erased when the wait ends; otherwise one plain line per event,
 * a polling wait repeated at most every REPEAT_MS; with `--json` one JSON object per line. stdout
 * never carries it: it holds the plan, the apply's lines and `--json` results.
 */
import type { ProgressEvent, ProgressListener } from '../sync/index.js';
import { progressText } from '../sync/index.js';
import type { CliContext } from './context.js';
import { cliStyle } from './style.js';

/** A polling wait (listing, delete, publish job) is printed again after this long. */
const REPEAT_MS = 5_000;
const ERASE = '\r\u001b[K';

/** Where progress goes, and the calls around other output. */
export interface ProgressSink {
  readonly onProgress: ProgressListener;
  /** Erases the rewritten line before other output is written (it is drawn again on the next event). */
  clear(): void;
  /** Erases what is left at the end of the command. */
  finish(): void;
}

function elapsedOf(e: ProgressEvent): number | undefined {
  return 'elapsedMs' in e ? e.elapsedMs : undefined;
}

/** Whether a plain line is due: every new wait, a publish job's new status, else every REPEAT_MS. */
function createThrottle(): (e: ProgressEvent) => boolean {
  const last = new Map<string, { readonly elapsedMs: number; readonly status: string }>();
  return (e) => {
    if (e.type === 'waited') {
      last.delete(e.key);
      return false;
    }
    const elapsedMs = elapsedOf(e);
    if (elapsedMs === undefined) return true;
    const status = e.type === 'publish-job' ? e.status : '';
    const before = last.get(e.key);
    if (
      before !== undefined &&
      before.status === status &&
      elapsedMs - before.elapsedMs < REPEAT_MS
    )
      return false;
    last.set(e.key, { elapsedMs, status });
    return true;
  };
}

/** Progress as one rewritten line on a terminal. */
export function ttyProgress(
  write: (text: string) => void,
  paint: (text: string) => string,
): ProgressSink {
  const active = new Map<string, string>();
  let shown = false;
  const draw = (): void => {
    const text = [...active.values()].at(-1);
    if (text === undefined) {
      if (shown) write(ERASE);
      shown = false;
      return;
    }
    write(`${ERASE}${paint(text)}`);
    shown = true;
  };
  return {
    onProgress: (e) => {
      if (e.type === 'waited') active.delete(e.key);
      else {
        // The newest wait is drawn: it goes last.
        active.delete(e.key);
        active.set(e.key, progressText(e));
      }
      draw();
    },
    clear: () => {
      if (shown) write(ERASE);
      shown = false;
    },
    finish: () => {
      active.clear();
      draw();
    },
  };
}

/** The sink of a command: a rewritten line on a terminal's stderr, plain or JSON lines otherwise. */
export function progressSink(ctx: CliContext, json: boolean): ProgressSink {
  const write = ctx.stderr;
  if (json) {
    const due = createThrottle();
    return {
      onProgress: (e) => {
        if (!due(e)) return;
        write(`${JSON.stringify({ progress: e.type, message: progressText(e), ...e })}\n`);
      },
      clear: () => undefined,
      finish: () => undefined,
    };
  }
  const tty = ctx.stderrIsTty === true;
  const style = cliStyle({ isTty: tty, env: ctx.env }, false);
  if (tty) return ttyProgress(write, style.dim);
  const due = createThrottle();
  return {
    onProgress: (e) => {
      if (due(e)) write(`${progressText(e)}\n`);
    },
    clear: () => undefined,
    finish: () => undefined,
  };
}
