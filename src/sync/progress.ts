/**
 * Progress of long waits (issue 15 item 17): rate limits, retries, publish jobs and the org's
 * listing catching up. Events are data; `progressText` words them for people. Where they go is
 * the caller's business (the CLI renders them on stderr; a library user passes `onProgress`).
 */

/** One step of a wait. Waits with the same `key` are one wait; `waited` ends it. */
export type ProgressEvent =
  | {
      /** A 429: the call waits `waitMs` before it is sent again. */
      readonly type: 'rate-limited';
      readonly key: string;
      readonly method: string;
      /** A template with `{id}` placeholders, never an id. */
      readonly route: string;
      readonly waitMs: number;
    }
  | {
      /** A failed attempt (5xx, timeout, dropped connection) is sent again after `waitMs`. */
      readonly type: 'retry';
      readonly key: string;
      readonly method: string;
      readonly route: string;
      /** This retry's number (1 for the second attempt), and the most there may be. */
      readonly retry: number;
      readonly maxRetries: number;
      readonly waitMs: number;
      /** `503`, `timeout`, `network failure`, `login host unavailable`. */
      readonly reason: string;
    }
  | {
      /** A publish job of a guide or agent version is still running. */
      readonly type: 'publish-job';
      readonly key: string;
      readonly kind: 'guide' | 'agent';
      readonly name: string;
      readonly jobId: string;
      readonly status: string;
      readonly elapsedMs: number;
    }
  | {
      /** The listing does not show the created registrations (or still shows deleted ones) yet. */
      readonly type: 'listing';
      readonly key: string;
      readonly created: number;
      readonly removed: number;
      readonly elapsedMs: number;
    }
  | {
      /** A deleted registration still reads as present. */
      readonly type: 'delete-wait';
      readonly key: string;
      readonly id: string;
      readonly elapsedMs: number;
    }
  | {
      /** A create failed without saying whether it landed: the listing is searched for it. */
      readonly type: 'create-lookup';
      readonly key: string;
      readonly name: string;
      readonly elapsedMs: number;
    }
  | { readonly type: 'waited'; readonly key: string };

/** Receives progress events; it must not throw (a throw is ignored). */
export type ProgressListener = (event: ProgressEvent) => void;

/** Polling waits are reported once they have lasted this long. */
export const PROGRESS_AFTER_MS = 1_000;

/** `1.4 s` under ten seconds, `12 s` from ten on. */
export function seconds(ms: number): string {
  const s = ms / 1_000;
  return s < 10 ? `${s.toFixed(1)} s` : `${String(Math.round(s))} s`;
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

function listingWhat(created: number, removed: number): string {
  const parts = [
    ...(created > 0 ? [`show ${plural(created, 'new action')}`] : []),
    ...(removed > 0 ? [`drop ${plural(removed, 'deleted action')}`] : []),
  ];
  return parts.join(' and ');
}

/** One line for people; empty for `waited`. */
export function progressText(e: ProgressEvent): string {
  switch (e.type) {
    case 'rate-limited':
      return `waiting ${seconds(e.waitMs)}: Genesys rate limit (429) on ${e.method} ${e.route}`;
    case 'retry':
      return `retry ${String(e.retry)}/${String(e.maxRetries)} in ${seconds(e.waitMs)}: ${e.reason} on ${e.method} ${e.route}`;
    case 'publish-job':
      return `publish job ${e.jobId} for ${e.kind} "${e.name}": ${e.status} (${seconds(e.elapsedMs)})`;
    case 'listing':
      return `waiting for the listing to ${listingWhat(e.created, e.removed)} (${seconds(e.elapsedMs)})`;
    case 'delete-wait':
      return `waiting for deleted action ${e.id} to read as gone (${seconds(e.elapsedMs)})`;
    case 'create-lookup':
      return `looking for ${e.name} in the listing: its create failed without an answer (${seconds(e.elapsedMs)})`;
    case 'waited':
      return '';
  }
}

/** Calls `listener`, ignoring what it throws: progress never breaks the work it reports. */
export function safeProgress(listener: ProgressListener | undefined): ProgressListener {
  return (event) => {
    try {
      listener?.(event);
    } catch {
      // A broken progress display must not fail an apply.
    }
  };
}
