/**
 * A `serve` replica of the built CLI with the monitoring fixture tools (test/fixtures/
 * observe-tools): its invocation and metrics URLs, and calls to its tools.
 */
import { tempDir } from '../support/temp-dir.js';
import { startDaemon } from './support.js';
import type { Daemon } from './support.js';

export const FIXTURE_TOOLS = 'test/fixtures/observe-tools';
const TOKEN = 'observe-replica-bearer-token-0123456789';

export interface Replica {
  readonly daemon: Daemon;
  readonly baseUrl: string;
  readonly metricsUrl: string;
  /** Calls a tool; resolves with the HTTP status. */
  call(tool: string, id?: string): Promise<number>;
  /** The current `/metrics` text. */
  scrape(): Promise<string>;
}

/** Starts one replica on free ports; it is killed at the end of the test if still running. */
export async function startReplica(): Promise<Replica> {
  const daemon = await startDaemon(
    ['serve', '--tools', FIXTURE_TOOLS, '--port', '0', '--metrics-port', '0'],
    {
      GENESYS_TOOLS_BEARER_TOKEN: TOKEN,
      GENESYS_TOOLS_AUDIT_FILE: `${tempDir()}/audit.jsonl`,
      LOG_LEVEL: 'warn',
    },
    /serving \d+ tool\(s\) at (http:\/\/\S+)[\s\S]*?metrics (http:\/\/[^\s,]+)/,
  );
  const baseUrl = daemon.match[1] ?? '';
  const metricsUrl = daemon.match[2] ?? '';
  return {
    daemon,
    baseUrl,
    metricsUrl,
    call: async (tool, id = 'x-1') => {
      const response = await fetch(`${baseUrl}/api/v1/tools/${tool}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tool_name: tool, parameters: { id } }),
      });
      await response.arrayBuffer();
      return response.status;
    },
    scrape: async () => (await fetch(metricsUrl)).text(),
  };
}
