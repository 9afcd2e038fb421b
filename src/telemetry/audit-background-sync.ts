/**
 * The background fsync of `durability: 'write'` (issue 18): records are acknowledged once written
 * to the OS, and the file is fsync'ed at most `intervalMs` after the first record that is not yet
 * durable. One fsync covers every record written before it, so the cost on the hot path is one
 * timer per interval, not one fsync per batch.
 */

/** What the background sync needs: the fsync and a cancellable timer (the audit log's clock). */
export interface BackgroundSyncOptions {
  readonly intervalMs: number;
  /** Fsyncs everything written so far. */
  readonly sync: () => Promise<void>;
  /** Calls `then` after `ms`, unless the audit log is closing. */
  readonly after: (ms: number, then: () => void) => void;
  /** The fsync failed: `records` written since the last good fsync may not be durable. */
  readonly onFailure: (error: unknown, records: number) => void;
}

/** Tells the background sync that records were written to the OS. */
export interface BackgroundSync {
  written(records: number): void;
}

/** A background sync that fsyncs at most `intervalMs` after a write. */
export function createBackgroundSync(o: BackgroundSyncOptions): BackgroundSync {
  let pending = 0;
  let armed = false;
  const run = async (): Promise<void> => {
    const records = pending;
    pending = 0;
    try {
      await o.sync();
    } catch (error) {
      o.onFailure(error, records);
    }
    armed = false;
    if (pending > 0) arm();
  };
  function arm(): void {
    if (armed) return;
    armed = true;
    o.after(o.intervalMs, () => void run());
  }
  return {
    written: (records) => {
      pending += records;
      arm();
    },
  };
}
