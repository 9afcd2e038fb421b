import { describe, expect, it } from 'vitest';
import { progressSink, ttyProgress } from '../../src/cli/progress.js';
import type { ProgressEvent } from '../../src/sync/index.js';
import { progressText } from '../../src/sync/index.js';
import { fakeCliContext } from '../support/cli-context.js';

const ERASE = '\r\u001b[K';

const RATE_LIMITED: ProgressEvent = {
  type: 'rate-limited',
  key: 'PATCH /api/v2/integrations/actions/{id}',
  method: 'PATCH',
  route: '/api/v2/integrations/actions/{id}',
  waitMs: 12_000,
};
const listing = (elapsedMs: number): ProgressEvent => ({
  type: 'listing',
  key: 'listing',
  created: 3,
  removed: 0,
  elapsedMs,
});

/** A fake terminal: what was written, and what the screen's last line shows after it. */
function fakeTerminal(): { write: (text: string) => void; raw: () => string; line: () => string } {
  let raw = '';
  return {
    write: (text) => {
      raw += text;
    },
    raw: () => raw,
    line: () => {
      const last = raw.split('\n').at(-1) ?? '';
      const parts = last.split(ERASE);
      return parts.at(-1) ?? '';
    },
  };
}

describe('progress of long waits', () => {
  it.each([
    [
      RATE_LIMITED,
      'waiting 12 s: Genesys rate limit (429) on PATCH /api/v2/integrations/actions/{id}',
    ],
    [
      {
        type: 'retry',
        key: 'k',
        method: 'GET',
        route: '/api/v2/integrations/actions',
        retry: 2,
        maxRetries: 4,
        waitMs: 1_400,
        reason: '503',
      } satisfies ProgressEvent,
      'retry 2/4 in 1.4 s: 503 on GET /api/v2/integrations/actions',
    ],
    [
      {
        type: 'publish-job',
        key: 'k',
        kind: 'guide',
        name: 'Returns',
        jobId: '3f2a',
        status: 'InProgress',
        elapsedMs: 8_000,
      } satisfies ProgressEvent,
      'publish job 3f2a for guide "Returns": InProgress (8.0 s)',
    ],
    [listing(4_000), 'waiting for the listing to show 3 new actions (4.0 s)'],
  ])('words %j for people', (event, text) => {
    expect(progressText(event)).toBe(text);
  });

  it('rewrites one line in place on a terminal and erases it when the wait ends', () => {
    const term = fakeTerminal();
    const sink = ttyProgress(term.write, (t) => t);
    sink.onProgress(listing(1_000));
    sink.onProgress(listing(1_500));
    expect(term.raw()).not.toContain('\n');
    expect(term.line()).toBe('waiting for the listing to show 3 new actions (1.5 s)');
    sink.onProgress(RATE_LIMITED);
    expect(term.line()).toContain('Genesys rate limit (429)');
    // The 429 wait ends: the listing wait, still on, is drawn again.
    sink.onProgress({ type: 'waited', key: RATE_LIMITED.key });
    expect(term.line()).toBe('waiting for the listing to show 3 new actions (1.5 s)');
    sink.onProgress({ type: 'waited', key: 'listing' });
    expect(term.line()).toBe('');
    expect(term.raw().endsWith(ERASE)).toBe(true);
    expect(term.raw()).not.toContain('\n');
  });

  it('erases the line before other output and at the end of the command', () => {
    const term = fakeTerminal();
    const sink = ttyProgress(term.write, (t) => t);
    sink.onProgress(RATE_LIMITED);
    sink.clear();
    expect(term.line()).toBe('');
    sink.onProgress(listing(2_000));
    sink.finish();
    expect(term.line()).toBe('');
    const written = term.raw().length;
    sink.finish();
    expect(term.raw()).toHaveLength(written);
  });

  it('writes a plain line per event on stderr when stderr is no terminal, none on stdout', () => {
    const { ctx, out, err } = fakeCliContext({ isTty: true });
    const sink = progressSink(ctx, false);
    sink.onProgress(RATE_LIMITED);
    // A polling wait is repeated at most every 5 s of its own time.
    for (const ms of [1_000, 1_500, 2_000, 6_000]) sink.onProgress(listing(ms));
    sink.onProgress({ type: 'waited', key: 'listing' });
    sink.finish();
    expect(out()).toBe('');
    expect(err()).toBe(
      [
        'waiting 12 s: Genesys rate limit (429) on PATCH /api/v2/integrations/actions/{id}',
        'waiting for the listing to show 3 new actions (1.0 s)',
        'waiting for the listing to show 3 new actions (6.0 s)',
        '',
      ].join('\n'),
    );
  });

  it('colours the terminal line unless NO_COLOR is set', () => {
    const coloured = fakeCliContext();
    const plain = fakeCliContext({ env: { NO_COLOR: '1' } });
    for (const { ctx } of [coloured, plain]) {
      progressSink({ ...ctx, stderrIsTty: true }, false).onProgress(RATE_LIMITED);
    }
    expect(coloured.err()).toContain('\u001b[2m');
    expect(plain.err()).toBe(`${ERASE}${progressText(RATE_LIMITED)}`);
  });

  it('with --json writes one JSON object per event on stderr, uncoloured, even on a terminal', () => {
    const { ctx, out, err } = fakeCliContext();
    const sink = progressSink({ ...ctx, stderrIsTty: true }, true);
    sink.onProgress(RATE_LIMITED);
    sink.onProgress({ type: 'waited', key: RATE_LIMITED.key });
    sink.finish();
    expect(out()).toBe('');
    const lines = err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      progress: 'rate-limited',
      message: progressText(RATE_LIMITED),
      ...RATE_LIMITED,
    });
  });
});
