/**
 * How an apply records what each change became: one event per change, exactly once, handed to the
 * caller's `onChange` (awaited). A throwing `onChange` (an audit record that cannot be written)
 * stops the run cleanly: no new change starts, the ones in flight finish and are recorded, and the
 * apply ends with SYNC_APPLY_STOPPED saying what was done (issue 15 item 4).
 */
import { GenesysApiError } from '../errors.js';
import { errorInfo } from './apply-outcome.js';
import type { ChangeEvent, Outcome } from './apply-types.js';
import type { RemoteEntry } from '../registry/index.js';
import type { Change } from './plan.js';

/** A change the apply carries out. */
export type Work = Exclude<Change, { kind: 'unchanged' | 'conflict' }>;

/** Where a change stands between phases. */
export interface Progress {
  readonly change: Work;
  /** The registration after phase 1 (the new one of a replace). */
  entry?: RemoteEntry;
  correlationId?: string | undefined;
  reconciled?: boolean;
  finished: boolean;
}

/** What a finished change carries besides its outcome. */
export interface Done {
  readonly remoteId: string | undefined;
  readonly previousId: string | undefined;
  readonly correlationId: string | undefined;
  readonly reconciled: boolean;
}

/** The events of one apply and the reason it stopped, if any. */
export interface Recorder {
  readonly events: readonly ChangeEvent[];
  /** Records a change's outcome once (later calls for the same change are ignored). */
  readonly record: (
    p: Progress,
    outcome: Outcome,
    done: Partial<Done>,
    error?: unknown,
  ) => Promise<void>;
  /** Runs one step of a change: skipped once halted, recorded as failed when it throws. */
  readonly step: (p: Progress, body: () => Promise<void>) => Promise<void>;
  /** True once the signal aborted or `onChange` failed: no new change may start. */
  readonly halted: () => boolean;
  /** Why `onChange` stopped the run, when it did. */
  readonly stopped: () => { readonly cause: unknown } | undefined;
}

/** Builds the recorder of one apply over `total` changes. */
export function createRecorder(
  total: number,
  options: {
    readonly signal?: AbortSignal | undefined;
    /** Awaited when it answers a promise. */
    readonly onChange?: ((event: ChangeEvent) => unknown) | undefined;
  },
): Recorder {
  const events: ChangeEvent[] = [];
  let stop: { readonly cause: unknown } | undefined;
  // A function, not a narrowed property: the signal changes while we await.
  const aborted = (): boolean => options.signal?.aborted === true;
  const halted = (): boolean => aborted() || stop !== undefined;

  const record: Recorder['record'] = async (p, outcome, done, error) => {
    if (p.finished) return;
    p.finished = true;
    const event: ChangeEvent = {
      kind: p.change.kind,
      name: p.change.name,
      outcome,
      remoteId: done.remoteId,
      previousId: done.previousId,
      correlationId:
        done.correlationId ?? (error instanceof GenesysApiError ? error.correlationId : undefined),
      reconciled: done.reconciled ?? false,
      error: error === undefined ? undefined : errorInfo(error),
      done: events.length + 1,
      total,
    };
    events.push(event);
    try {
      await options.onChange?.(event);
    } catch (cause) {
      // The first failure stops the run; the change itself keeps its outcome.
      stop ??= { cause };
    }
  };

  const step: Recorder['step'] = async (p, body) => {
    if (p.finished) return;
    if (halted()) {
      await record(p, 'skipped', {});
      return;
    }
    try {
      await body();
    } catch (error) {
      await record(p, aborted() ? 'skipped' : 'failed', {}, error);
    }
  };

  return { events, record, step, halted, stopped: () => stop };
}
