/**
 * The cancellation of one call and the list of calls in flight that shutdown aborts. Why a call
 * was cancelled matters (issue 14 §3): a timeout is the tool's fault and counts against its
 * breaker; a caller that hung up or a shutdown deadline tells nothing about the tool.
 */

/**
 * Why a call was cancelled, when it was: `cancelled` is a client's explicit cancellation (MCP's
 * `notifications/cancelled`), `caller-gone` a connection closed before the reply.
 */
export type CancelReason = 'timeout' | 'caller-gone' | 'cancelled' | 'shutdown';

/**
 * The cancellation of one call: aborted when the timeout passes, the caller goes away or shutdown's
 * deadline passes. Its `AbortSignal` is made only when something reads it (a handler, a queued
 * bulkhead slot, a retry): on Node 20 each AbortSignal costs microseconds to create and most
 * handlers never look at theirs. The signal is aborted without a reason (a default `AbortError`),
 * as cockatiel's timeout signal was.
 */
export class CallCancellation {
  #controller: AbortController | undefined;
  #reason: CancelReason | undefined;
  /** Set by the timeout while the call runs: rejects the call's race. */
  onAbort: (() => void) | undefined;
  /** Neighbours in the server's list of calls in flight (`InFlightCalls`). */
  previousInFlight: CallCancellation | undefined;
  nextInFlight: CallCancellation | undefined;

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** The first reason the call was cancelled for; undefined while it was not. */
  get reason(): CancelReason | undefined {
    return this.#reason;
  }

  /** True when the timeout fired while the call still ran and nothing had aborted it before. */
  get timedOut(): boolean {
    return this.#reason === 'timeout';
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Aborts the call for `reason`; the first reason stays. */
  cancel(reason: CancelReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort();
    this.onAbort?.();
  }

  /** Shutdown's deadline passed. */
  abort(): void {
    this.cancel('shutdown');
  }

  timeOut(): void {
    this.cancel('timeout');
  }

  /** The caller closed its connection before the reply. */
  callerGone(): void {
    this.cancel('caller-gone');
  }
}

/**
 * The calls in flight, which shutdown aborts at its deadline: a list threaded through the calls
 * themselves, so adding and removing allocate nothing. With a `Set`, the allocations of its
 * `delete` were a quarter of what V8 still promoted to the old generation under bench/server.ts.
 */
export class InFlightCalls {
  #head: CallCancellation | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(call: CallCancellation): void {
    call.previousInFlight = undefined;
    call.nextInFlight = this.#head;
    if (this.#head !== undefined) this.#head.previousInFlight = call;
    this.#head = call;
    this.#size++;
  }

  /** Removes a call that was added and not yet removed. */
  delete(call: CallCancellation): void {
    if (call.previousInFlight !== undefined) call.previousInFlight.nextInFlight = call.nextInFlight;
    else this.#head = call.nextInFlight;
    if (call.nextInFlight !== undefined) call.nextInFlight.previousInFlight = call.previousInFlight;
    call.previousInFlight = undefined;
    call.nextInFlight = undefined;
    this.#size--;
  }

  /** Aborts every call in flight. */
  abortAll(): void {
    for (let call = this.#head; call !== undefined; call = call.nextInFlight) call.abort();
  }
}
