/**
 * A tool's circuit breaker (issue 14 §3): consecutive tool faults open it; after `halfOpenAfterMs`
 * one call probes it. Only the tool's own faults count: a caller's bad parameters (any 4xx the
 * handler throws, a zod `.refine` among them) and a caller that hangs up tell nothing about the
 * tool's health, and counting them let one end user keep a tool offline for everyone.
 *
 * Written here rather than with cockatiel's `circuitBreaker`, which reads `Date.now()`: the open
 * time runs on the injected clock, so tests drive the cool-down by hand (issue 14 §13), and a probe
 * that ends without a verdict (the caller hung up) leaves the circuit ready to probe again instead
 * of closing it, as cockatiel does with an error it does not handle.
 */

/** Circuit states as the registry endpoint and the observer name them. */
export type CircuitName = 'closed' | 'open' | 'half-open';

/** The breaker's state: a discriminated union (STYLE §3). */
export type BreakerState =
  | { readonly state: 'closed'; readonly failures: number }
  | { readonly state: 'open'; readonly openedAtMs: number }
  | { readonly state: 'half-open' };

/** How a call that passed the breaker ended, as far as the breaker cares. */
export type CallVerdict = 'success' | 'fault' | 'neutral';

/** The breaker's policy. */
export interface BreakerPolicy {
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
}

/** Whether a call may pass: `probe` when it is the half-open trial call. */
export type Admission =
  | { readonly pass: true; readonly probe: boolean; readonly state: BreakerState }
  | { readonly pass: false; readonly retryAfterMs: number };

export const CLOSED: BreakerState = Object.freeze({ state: 'closed', failures: 0 });

/** May a call pass now? Pure. */
export function admitCall(state: BreakerState, policy: BreakerPolicy, nowMs: number): Admission {
  switch (state.state) {
    case 'closed':
      return { pass: true, probe: false, state };
    case 'open': {
      const waitMs = state.openedAtMs + policy.halfOpenAfterMs - nowMs;
      if (waitMs > 0) return { pass: false, retryAfterMs: waitMs };
      return { pass: true, probe: true, state: { state: 'half-open' } };
    }
    case 'half-open':
      // One probe at a time; the others are refused until it has answered.
      return { pass: false, retryAfterMs: 0 };
  }
}

/** The state after a call ends. Pure. */
export function settleCall(
  state: BreakerState,
  call: { readonly verdict: CallVerdict; readonly probe: boolean },
  policy: BreakerPolicy,
  nowMs: number,
): BreakerState {
  if (call.probe) {
    if (state.state !== 'half-open') return state;
    switch (call.verdict) {
      case 'success':
        return CLOSED;
      case 'fault':
        return { state: 'open', openedAtMs: nowMs };
      case 'neutral':
        // No verdict on the tool: open, due for another probe at once.
        return { state: 'open', openedAtMs: nowMs - policy.halfOpenAfterMs };
    }
  }
  if (state.state !== 'closed') return state;
  switch (call.verdict) {
    case 'success':
      return state.failures === 0 ? state : CLOSED;
    case 'fault': {
      const failures = state.failures + 1;
      return failures >= policy.consecutiveFailures
        ? { state: 'open', openedAtMs: nowMs }
        : { state: 'closed', failures };
    }
    case 'neutral':
      return state;
  }
}

/** A breaker shared by every call of one tool. */
export interface CircuitBreaker {
  /** Takes a pass; undefined with the wait when the circuit is open. */
  enter(): { readonly probe: boolean } | { readonly retryAfterMs: number };
  /** Records how a call that entered ended. */
  leave(pass: { readonly probe: boolean }, verdict: CallVerdict): void;
  readonly circuit: CircuitName;
}

/** Builds a breaker on `nowMs`; `onChange` hears every change of circuit state. */
export function createCircuitBreaker(
  policy: BreakerPolicy,
  deps: { readonly nowMs: () => number; readonly onChange: (circuit: CircuitName) => void },
): CircuitBreaker {
  let current: BreakerState = CLOSED;
  const move = (next: BreakerState): void => {
    const changed = next.state !== current.state;
    current = next;
    if (changed) deps.onChange(next.state);
  };
  return {
    enter: () => {
      const admission = admitCall(current, policy, deps.nowMs());
      if (!admission.pass) return { retryAfterMs: admission.retryAfterMs };
      move(admission.state);
      return { probe: admission.probe };
    },
    leave: (pass, verdict) => {
      move(settleCall(current, { verdict, probe: pass.probe }, policy, deps.nowMs()));
    },
    get circuit() {
      return current.state;
    },
  };
}
