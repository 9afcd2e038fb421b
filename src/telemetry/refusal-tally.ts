/**
 * Counts calls refused before authentication, per reason, for one interval (issue 14, item 1): an
 * unauthenticated caller must cost a counter increment, never a durable record of its own. Memory
 * is bounded whatever the callers send: a fixed number of reasons and of sample addresses.
 */
import type { RefusedCalls } from './audit-record.js';

/** One refused call, as the server reports it. */
export interface Refusal {
  /** A short reason from the server's bounded set (`missing-credentials`, ...). */
  readonly reason: string;
  /** The peer address of the connection (never a header the caller wrote). */
  readonly remoteAddress?: string;
  /** Epoch milliseconds. */
  readonly timeMs: number;
}

/** Reasons counted separately; further ones are counted under OTHER_REASON. */
const MAX_REASONS = 16;
/** Distinct addresses kept per reason and interval. */
const MAX_ADDRESSES = 5;
const OTHER_REASON = 'other';
const REASON = /^[a-z][a-z0-9-]{0,47}$/;
/** An IPv4 or IPv6 address as Node reports it; anything else is not kept. */
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

interface Bucket {
  count: number;
  firstMs: number;
  lastMs: number;
  readonly addresses: string[];
  moreAddresses: boolean;
}

/** Refusals of the current interval. */
export interface RefusalTally {
  add(refusal: Refusal): void;
  /** The interval's summaries (one per reason), emptying the tally. */
  drain(): RefusedCalls[];
  readonly size: number;
}

/** Builds an empty tally. */
export function createRefusalTally(): RefusalTally {
  const buckets = new Map<string, Bucket>();
  return {
    add: ({ reason, remoteAddress, timeMs }) => {
      let key = REASON.test(reason) ? reason : OTHER_REASON;
      if (!buckets.has(key) && buckets.size >= MAX_REASONS - 1) key = OTHER_REASON;
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = { count: 0, firstMs: timeMs, lastMs: timeMs, addresses: [], moreAddresses: false };
        buckets.set(key, bucket);
      }
      bucket.count += 1;
      bucket.lastMs = Math.max(bucket.lastMs, timeMs);
      if (remoteAddress === undefined || !ADDRESS.test(remoteAddress)) return;
      if (bucket.addresses.includes(remoteAddress)) return;
      if (bucket.addresses.length < MAX_ADDRESSES) bucket.addresses.push(remoteAddress);
      else bucket.moreAddresses = true;
    },
    drain: () => {
      const out = [...buckets].map(([reason, b]) => ({
        reason,
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
