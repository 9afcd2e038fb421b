/**
 * The process's log destination (issue 18): the lines logged in one turn of the event loop leave in
 * one write. A server logs a line per call, and pino's asynchronous destination wrote each line
 * on its own (one trip through libuv's thread pool per line: with the server on one core, that
 * pool thread's write took the core from the event loop for every call). Lines are held only
 * until the end of the turn, never for a time; those still held when the process exits are
 * written synchronously before it does.
 */
import { pino } from 'pino';

/** Where the batched lines go: pino's asynchronous destination in the process. */
export interface LineSink {
  write(data: string): unknown;
}

/** What the logger writes to. */
export interface LineStream {
  write(line: string): void;
  /** Hands the lines held in this turn to the sink now. */
  flush(): void;
}

/**
 * Batches the lines of each turn into one write to `sink`; `schedule` runs the end-of-turn hand-off
 * (`setImmediate` by default).
 */
export function turnBatched(
  sink: LineSink,
  schedule: (run: () => void) => void = setImmediate,
): LineStream {
  let held: string[] = [];
  const flush = (): void => {
    if (held.length === 0) return;
    const lines = held.join('');
    held = [];
    sink.write(lines);
  };
  return {
    write: (line) => {
      if (held.length === 0) schedule(flush);
      held.push(line);
    },
    flush,
  };
}

/** Log lines to file descriptor `fd`, a write per turn; what is held is written at exit. */
export function processLogDestination(fd: number): LineStream {
  const destination = pino.destination({ dest: fd, sync: false });
  const stream = turnBatched(destination);
  process.once('exit', () => {
    stream.flush();
    try {
      destination.flushSync();
    } catch {
      // The descriptor is gone (EPIPE, closed): nothing more can be written.
    }
  });
  return stream;
}
