import { describe, expect, it } from 'vitest';
import { jobDelayMs, jobOutcome, waitForJob } from '../../src/genesys/wait-for-job.js';
import type { PublishJobWire } from '../../src/genesys/index.js';
import { fakeClock } from '../support/fake-clock.js';

const job = (status: string, errors: PublishJobWire['errors'] = []): PublishJobWire => ({
  id: 'j1',
  status,
  errors,
});

/** A clock whose sleeps record their length and return at once (time moves by the sleep). */
function recordingClock() {
  const clock = fakeClock();
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      nowMs: () => clock.nowMs(),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        const done = clock.sleep(ms);
        await clock.advance(ms);
        await done;
      },
    },
  };
}

describe('publish jobs', () => {
  it.each([
    ['Succeeded', 'done'],
    ['SUCCEEDED', 'done'],
    ['Completed', 'done'],
    ['Success', 'done'],
    ['Failed', 'failed'],
    ['failed', 'failed'],
    ['InProgress', 'running'],
    ['Queued', 'running'],
    ['', 'running'],
  ] as const)('reads status %j as %s', (status, outcome) => {
    expect(jobOutcome(status)).toBe(outcome);
  });

  it.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 5000],
    [50, 5000],
  ])('pauses %i → %i ms', (n, ms) => {
    expect(jobDelayMs(n, 500, 5000)).toBe(ms);
  });

  it('returns a job that is already done without reading it again', async () => {
    const { clock, sleeps } = recordingClock();
    let reads = 0;
    const done = await waitForJob(
      {
        first: job('Succeeded'),
        read: async () => {
          reads++;
          return job('Succeeded');
        },
        what: 'x',
      },
      clock,
    );
    expect(done.status).toBe('Succeeded');
    expect([reads, sleeps]).toEqual([0, []]);
  });

  it('polls with growing pauses until the job succeeds', async () => {
    const { clock, sleeps } = recordingClock();
    const states = ['InProgress', 'InProgress', 'InProgress', 'Succeeded'];
    const seen: string[] = [];
    await waitForJob(
      { first: job('InProgress'), read: async () => job(states.shift() ?? 'Succeeded'), what: 'x' },
      clock,
      { onPoll: (j) => seen.push(j.status) },
    );
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(seen).toEqual(['InProgress', 'InProgress', 'InProgress', 'InProgress', 'Succeeded']);
  });

  it('throws GENESYS_JOB_FAILED with the job errors', async () => {
    const { clock } = recordingClock();
    const failed = job('Failed', [
      { code: 'invalid.data.actions', message: 'There are invalid data actions in the version' },
    ]);
    await expect(
      waitForJob(
        {
          first: job('InProgress'),
          read: async () => failed,
          what: 'publishing version v of guide g',
        },
        clock,
      ),
    ).rejects.toMatchObject({
      code: 'GENESYS_JOB_FAILED',
      message:
        'publishing version v of guide g: job j1 failed: invalid.data.actions: There are invalid data actions in the version',
      details: { errors: ['invalid.data.actions: There are invalid data actions in the version'] },
    });
  });

  it('gives up after the total wait with GENESYS_JOB_TIMEOUT', async () => {
    const { clock, sleeps } = recordingClock();
    await expect(
      waitForJob(
        { first: job('InProgress'), read: async () => job('InProgress'), what: 'x' },
        clock,
        { maxWaitMs: 3000 },
      ),
    ).rejects.toMatchObject({ code: 'GENESYS_JOB_TIMEOUT' });
    expect(sleeps).toEqual([500, 1000, 1500]);
  });
});
