/** The options, events and result of `applyPlan`; defaults live here. */
import { z } from 'zod';
import type { Clock } from '../deps.js';
import type { Change } from './plan.js';
import type { ProgressEvent } from './progress.js';

/** What happened to one change. */
export type Outcome = 'applied' | 'failed' | 'skipped';

/** One change carried out (or not): what the audit log and the progress lines see. */
export interface ChangeEvent {
  readonly kind: Exclude<Change['kind'], 'unchanged' | 'conflict'>;
  readonly name: string;
  readonly outcome: Outcome;
  /** The registration's id after the change (the new id of a create or replace). */
  readonly remoteId: string | undefined;
  /** The id a replace or delete removed. */
  readonly previousId: string | undefined;
  /** Correlation id of the last write of the change. */
  readonly correlationId: string | undefined;
  /** True when a create was found already landed after an ambiguous failure. */
  readonly reconciled: boolean;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** Changes finished so far, and in all. */
  readonly done: number;
  readonly total: number;
}

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'expected a function');

/** Options of `applyPlan`; defaults live here. */
export const ApplyOptionsSchema = z.strictObject({
  /** Changes in flight at once (the client's rate limiter paces the requests). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Carry out replaces (the action id changes). */
  allowReplace: z.boolean().default(false),
  /**
   * POSTs of one create in all when they fail without saying whether they landed (5xx, timeout,
   * dropped connection); each is reconciled by listing first. Every other write is retried by the
   * client alone (its own `maxAttempts`): one retry budget per write.
   */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** First backoff between attempts; doubled each time, at most 16 times this. */
  retryDelayMs: z.number().int().min(0).max(60_000).default(250),
  /** How long the org may take to list a new action or unlist a deleted one (reference §10.2). */
  settleTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  /** How long a deleted action may still read as present (the Terraform provider waits 30 s). */
  deleteWaitMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Interval of the consistency polls. */
  pollIntervalMs: z.number().int().min(1).max(60_000).default(500),
  signal: z
    .custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal')
    .optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null, 'expected a Clock').optional(),
  /**
   * Called once per change with its outcome, and awaited. When it throws (an audit record that
   * cannot be written), no new change starts, the ones in flight finish and are reported, and the
   * apply ends with SYNC_APPLY_STOPPED.
   */
  onChange: fn<(event: ChangeEvent) => unknown>().optional(),
  /**
   * Runs after the creates and updates, before anything is deleted, with the id each tool's
   * registration now has (tool name → id). Throwing stops the apply before any delete.
   */
  beforeRemovals: fn<(ids: ReadonlyMap<string, string>) => Promise<void>>().optional(),
  /** Things worth telling that are not failures (the listing has not caught up yet). */
  onNotice: fn<(message: string) => void>().optional(),
  /**
   * Waits past a second (the listing catching up, a deleted action still reading as present, a
   * create looked for after a lost answer), each step, then `waited` when it ends. Not awaited.
   */
  onProgress: fn<(event: ProgressEvent) => void>().optional(),
});

/** Options of `applyPlan` as callers write them. */
export type ApplyOptions = z.input<typeof ApplyOptionsSchema>;

/** The result of an apply that completed. */
export interface ApplyResult {
  readonly events: readonly ChangeEvent[];
  readonly applied: number;
  readonly failed: number;
  readonly skipped: number;
  /** Tool name → the id of its registration after the apply. */
  readonly ids: ReadonlyMap<string, string>;
}
