/**
 * Histogram buckets in seconds, explicit: the SDK's defaults are for milliseconds and would squash
 * a seconds histogram into a few buckets (DESIGN).
 */

/** Bucket bounds in seconds: 5 ms .. 60 s (the invocation deadline is at most 60 s). */
export const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60,
] as const;
