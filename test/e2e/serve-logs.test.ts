import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { startDaemon } from './support.js';

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly invocationId?: string;
  readonly tool?: string;
  readonly outcome?: string;
  readonly errorCode?: string;
  readonly reason?: string;
  readonly count?: number;
}

describe('serve logs through the built binary', () => {
  it('writes one line per call with its ids, flushes every line by exit, and never the token', async () => {
    const token = 'serve-logs-bearer-token-0123456789';
    const server = await startDaemon(
      ['serve', '--tools', 'examples/tools', '--port', '0', '--metrics-port', '0'],
      {
        GENESYS_TOOLS_BEARER_TOKEN: token,
        GENESYS_TOOLS_AUDIT_FILE: `${tempDir()}/audit.jsonl`,
        LOG_LEVEL: 'info',
      },
      /serving 2 tool\(s\) at (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const base = server.match[1] ?? '';
    const call = (authorization: string) =>
      fetch(`${base}/api/v1/tools/check_inventory`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'SKU-1' } }),
      });
    const ok = await call(`Bearer ${token}`);
    const okBody = (await ok.json()) as { metadata: { invocation_id: string } };
    const refused = await call(`Bearer wrong-${token}`);
    expect([ok.status, refused.status]).toEqual([200, 401]);

    expect(await server.stop()).toBe(0);
    const lines = server
      .errors()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LogLine);
    const invocations = lines.filter((l) => l.msg === 'invocation');
    expect(invocations).toEqual([
      expect.objectContaining({
        level: 'info',
        invocationId: okBody.metadata.invocation_id,
        tool: 'check_inventory',
        outcome: 'success',
      }),
    ]);
    // A refusal before authentication gets no line of its own at info: the audit log sums the
    // refusals per interval and logs one warning per reason (issue 14, item 1).
    expect(lines.filter((l) => l.msg === 'calls refused before authentication')).toEqual([
      expect.objectContaining({ level: 'warn', reason: 'wrong-credentials', count: 1 }),
    ]);
    // The last lines are written during shutdown: the asynchronous destination was flushed.
    expect(lines.map((l) => l.msg)).toContain('server closed');
    expect(lines.at(-1)?.msg).toBe('audit chain head');
    expect(server.errors() + server.output()).not.toContain(token);
  }, 60_000);
});
