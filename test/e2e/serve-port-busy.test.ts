import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { BIN, run } from './support.js';

/** A port some other process holds for the whole test. */
async function busyPort(): Promise<number> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) =>
        holder.close(() => {
          resolve();
        }),
      ),
  );
  return (holder.address() as AddressInfo).port;
}

function serve(flags: readonly string[]) {
  return run(
    process.execPath,
    [BIN, 'serve', '--tools', 'examples/tools', '--insecure-no-auth', ...flags],
    // Before the fix the process never ended: the run's own timeout turns that into a failure.
    { env: { GENESYS_TOOLS_AUDIT_FILE: join(tempDir(), 'audit.jsonl') }, timeoutMs: 20_000 },
  );
}

describe('serve on a port that is taken, through the built binary', () => {
  it('exits 2 at once with the error line and its fix, closing the metrics port it opened', async () => {
    const port = await busyPort();
    const result = await serve(['--port', String(port), '--metrics-port', '0']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error CONFIG_PORT_IN_USE: serve: 127\\.0\\.0\\.1:${port} \\(--port\\) is in use`,
        'm',
      ),
    );
    expect(result.stderr).toMatch(/^ {2}fix: .*another port/m);
    expect(result.stdout).not.toContain('serving');
  });

  it('names --metrics-port when the metrics port is the one taken', async () => {
    const port = await busyPort();
    const result = await serve(['--port', '0', '--metrics-port', String(port)]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /^error CONFIG_PORT_IN_USE: serve: .*\(--metrics-port\) is in use/m,
    );
  });
});
