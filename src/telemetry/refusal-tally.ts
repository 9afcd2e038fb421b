/**
 * Counts refused calls per interval (issue 14, item 1; issue 18, goal 2): a call refused before its
 * handler ran — an unauthenticated caller (401), bad parameters (422), a rate limit (429), a full
 * bulkhead or an open breaker (503), ... — costs a counter increment, never a durable record of its
 * own. Buckets are per reason, tool and caller label. Memory is bounded whatever the callers send:
 * a fixed number of buckets and of sample addresses; a value that does not look like a reason, a
 * tool name or a caller label is never kept (it is counted under OTHER instead), so no parameter
 * value, id or secret can reach a summary.
 */
import type { RefusedCalls } from './audit-record.js';

/** One refused call, as the server reports it. */
export interface Refusal {
  /** A short reason from the server's bounded set (`missing-credentials`, `rate-limited`, ...). */
  readonly reason: string;
  /** The served tool the call named; absent for an unknown tool or before the tool is known. */
  readonly tool?: string;
  /**
   * Which accepted credential the caller used (`bearer:1`, `basic:2`, `api-key:1`, `signature`,
   * `none`): a label, never the secret. Absent when the caller was not authenticated.
   */
  readonly caller?: string;
  /** The peer address of the connection (never a header the caller wrote). */
  readonly remoteAddress?: string;
  /** Epoch milliseconds. */
  readonly timeMs: number;
}

/** Buckets kept per interval; further ones are counted in the OTHER bucket. */
export const MAX_BUCKETS = 64;
/** Distinct addresses kept per bucket and interval. */
const MAX_ADDRESSES = 5;
const OTHER = 'other';
const REASON = /^[a-z][a-z0-9-]{0,47}$/;
/** A tool name as definitions allow it. */
const TOOL = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** A caller label as the server makes it. */
const CALLER = /^[a-z][a-z-]{0,15}(?::[0-9]{1,3})?$/;
/** An IPv4 or IPv6 address as Node reports it; anything else is not kept. */
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

interface Bucket {
  readonly reason: string;
  readonly tool: string | undefined;
  readonly caller: string | undefined;
  count: number;
  readonly firstMs: number;
  lastMs: number;
  readonly addresses: string[];
  moreAddresses: boolean;
}

/** Refusals of the current interval. */
export interface RefusalTally {
  add(refusal: Refusal): void;
  /** The interval's summaries (one per bucket), emptying the tally. */
  drain(): RefusedCalls[];
  /** Buckets in use. */
  readonly size: number;
}

const keep = (value: string | undefined, pattern: RegExp): string | undefined =>
  value !== undefined && pattern.test(value) ? value : undefined;

/** Builds an empty tally. */
export function createRefusalTally(): RefusalTally {
  const buckets = new Map<string, Bucket>();

  const bucketFor = (refusal: Refusal): Bucket => {
    const reason = REASON.test(refusal.reason) ? refusal.reason : OTHER;
    const tool = keep(refusal.tool, TOOL);
    const caller = keep(refusal.caller, CALLER);
    let key = `${reason} ${tool ?? ''} ${caller ?? ''}`;
    let bucket = buckets.get(key);
    if (bucket !== undefined) return bucket;
    const full = buckets.size >= MAX_BUCKETS - 1;
    if (full) {
      key = OTHER;
      bucket = buckets.get(key);
      if (bucket !== undefined) return bucket;
    }
    bucket = {
      reason: full ? OTHER : reason,
      tool: full ? undefined : tool,
      caller: full ? undefined : caller,
      count: 0,
      firstMs: refusal.timeMs,
      lastMs: refusal.timeMs,
      addresses: [],
      moreAddresses: false,
    };
    buckets.set(key, bucket);
    return bucket;
  };

  return {
    add: (refusal) => {
      const bucket = bucketFor(refusal);
      bucket.count += 1;
      if (refusal.timeMs > bucket.lastMs) bucket.lastMs = refusal.timeMs;
      const address = refusal.remoteAddress;
      if (address === undefined || bucket.addresses.includes(address)) return;
      if (!ADDRESS.test(address)) return;
      if (bucket.addresses.length < MAX_ADDRESSES) bucket.addresses.push(address);
      else bucket.moreAddresses = true;
    },
    drain: () => {
      const out = [...buckets.values()].map((b): RefusedCalls => ({
        reason: b.reason,
        ...(b.tool === undefined ? {} : { tool: b.tool }),
        ...(b.caller === undefined ? {} : { caller: b.caller }),
        count: b.count,
        firstTime: new Date(b.firstMs).toISOString(),
        lastTime: new Date(b.lastMs).toISOString(),
        remoteAddresses: b.addresses,
        moreAddresses: b.moreAddresses,
      }));
      buckets.clear();
      return out;
    },
    get size() {
      return buckets.size;
    },
  };
}
