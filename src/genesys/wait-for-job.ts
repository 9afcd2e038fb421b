/**
 * Following a publish job of a guide or agent version to its end (reference §10.4: the Terraform
 * provider polls the job the same way): a bounded total wait, a growing pause between reads.
 */
import type { Clock } from '../deps.js';
import { GenesysApiError } from '../errors.js';
import type { PublishJobWire } from './ai-studio-wire.js';
import type { CallOptions } from './transport.js';

/** Options of a job wait. */
export interface WaitForJobOptions extends CallOptions {
  /** Total wait before GENESYS_JOB_TIMEOUT; default 120,000 ms. */
  readonly maxWaitMs?: number;
  /** First pause between reads; doubles up to `maxDelayMs`. Default 500 ms. */
  readonly firstDelayMs?: number;
  /** Default 5,000 ms. */
  readonly maxDelayMs?: number;
  /** Called with every state of the job read, the first included. */
  readonly onPoll?: (job: PublishJobWire) => void;
}

/** Where a job stands, from its `status` (case-insensitive; unknown values mean still running). */
export type JobOutcome = 'done' | 'failed' | 'running';

const DONE: ReadonlySet<string> = new Set(['succeeded', 'completed', 'success', 'complete']);
const FAILED: ReadonlySet<string> = new Set(['failed', 'failure']);

/** Classifies a job status. */
export function jobOutcome(status: string): JobOutcome {
  const s = status.toLowerCase();
  if (DONE.has(s)) return 'done';
  if (FAILED.has(s)) return 'failed';
  return 'running';
}

/** The pause before read number `n` (0-based): first, doubling, capped. */
export function jobDelayMs(n: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(n, 30));
}

/** The job's errors as one line each: `code: message`. */
export function jobErrors(job: PublishJobWire): string[] {
  return (job.errors ?? []).map((e) =>
    [e.code, e.message ?? e.messageWithParams].filter((x) => x !== undefined).join(': '),
  );
}

/**
 * Reads the job until it has ended: `first` is the job as started, `read` reads it again.
 * @throws GenesysApiError GENESYS_JOB_FAILED (with the job's errors in details),
 *   GENESYS_JOB_TIMEOUT after `maxWaitMs`; whatever `read` throws.
 */
export async function waitForJob(
  job: {
    readonly first: PublishJobWire;
    readonly read: () => Promise<PublishJobWire>;
    readonly what: string;
  },
  clock: Clock,
  options: WaitForJobOptions = {},
): Promise<PublishJobWire> {
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const startMs = clock.nowMs();
  let current = job.first;
  for (let n = 0; ; n++) {
    options.onPoll?.(current);
    const outcome = jobOutcome(current.status);
    if (outcome === 'done') return current;
    if (outcome === 'failed') {
      const errors = jobErrors(current);
      throw new GenesysApiError(
        'GENESYS_JOB_FAILED',
        `${job.what}: job ${current.id} failed${errors.length === 0 ? '' : `: ${errors.join('; ')}`}`,
        { status: 200, details: { jobId: current.id, errors } },
      );
    }
    const elapsedMs = clock.nowMs() - startMs;
    if (elapsedMs >= maxWaitMs) {
      throw new GenesysApiError(
        'GENESYS_JOB_TIMEOUT',
        `${job.what}: job ${current.id} is still ${current.status} after ${String(elapsedMs)} ms`,
        { status: 200, details: { jobId: current.id, status: current.status, maxWaitMs } },
      );
    }
    const delayMs = jobDelayMs(n, options.firstDelayMs ?? 500, options.maxDelayMs ?? 5_000);
    await clock.sleep(Math.min(delayMs, maxWaitMs - elapsedMs), options.signal);
    current = await job.read();
  }
}
