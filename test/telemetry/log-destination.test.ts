import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { turnBatched } from '../../src/telemetry/log-destination.js';
import { tempDir } from '../support/temp-dir.js';

const DESTINATION = fileURLToPath(
  new URL('../../src/telemetry/log-destination.ts', import.meta.url),
);

describe('the process log destination (issue 18)', () => {
  it('writes the lines of one turn in one write, in order, and nothing before the turn ends', () => {
    const writes: string[] = [];
    const turns: (() => void)[] = [];
    const stream = turnBatched({ write: (data: string) => writes.push(data) }, (run) => {
      turns.push(run);
    });
    const logger = createLogger({ destination: stream });
    for (let i = 0; i < 100; i++) logger.info({ call: i }, 'invocation');
    expect(writes).toEqual([]);
    expect(turns).toHaveLength(1);
    turns.shift()?.();
    expect(writes).toHaveLength(1);
    const lines = (writes[0] ?? '').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { call: number }).call)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    // The next turn's lines are a write of their own.
    logger.info({ call: 100 }, 'invocation');
    expect(turns).toHaveLength(1);
    turns.shift()?.();
    expect(writes).toHaveLength(2);
  });

  it('loses no line when the process exits in the turn that logged it', () => {
    const file = join(tempDir(), 'log.txt');
    const script = `
      import { openSync } from 'node:fs';
      import { processLogDestination } from ${JSON.stringify(DESTINATION)};
      const stream = processLogDestination(openSync(${JSON.stringify(file)}, 'w'));
      for (let i = 0; i < 1000; i++) stream.write('line ' + i + '\\n');
      process.exit(3);
    `;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe('line 999');
  });
});
