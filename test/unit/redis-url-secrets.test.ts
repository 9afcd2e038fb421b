import { describe, expect, it } from 'vitest';
import { redisUrlSecrets } from '../../src/cli/shared-state.js';

describe('redisUrlSecrets: what of a Redis URL never reaches a log line', () => {
  it.each([
    ['redis://127.0.0.1:6379', []],
    ['redis://:s3cr%40t@redis:6379/2', ['redis://:s3cr%40t@redis:6379/2', 's3cr%40t', 's3cr@t']],
    ['rediss://user:pw-123@redis', ['rediss://user:pw-123@redis', 'pw-123', 'pw-123']],
  ] as const)('%s', (url, secrets) => {
    expect(redisUrlSecrets(url)).toEqual(secrets);
  });
});
