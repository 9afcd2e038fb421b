/**
 * The shipped rules in a real Prometheus (issue 16 item 7): Debian's `prometheus` scrapes two
 * `serve` replicas of the built CLI every second and evaluates the rules every second; a tool's
 * breaker opens on one replica, and the circuit alert goes pending, then firing, for that replica
 * only, as Prometheus' HTTP API reports. Skipped locally without the binary, never in CI.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { RULES_FILE } from '../support/deploy-files.js';
import { requireBinary } from '../support/prometheus-bin.js';
import { tempDir } from '../support/temp-dir.js';
import { startReplica } from './replica.js';

/** A port free right now on 127.0.0.1 (Prometheus takes no port 0 and reports none). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Starts Prometheus on `port` with `config`; stopped at the end of the test. */
function startPrometheus(bin: string, config: string, port: number): { log(): string } {
  const child = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tempDir('prometheus-')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.on('close', () => {
      resolve();
    }),
  );
  onTestFinished(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  return { log: () => log };
}

/** Prometheus' answers, as far as the test reads them. */
const AlertsAnswer = z.object({
  data: z.object({
    alerts: z.array(z.object({ labels: z.record(z.string(), z.string()), state: z.string() })),
  }),
});
const QueryAnswer = z.object({
  data: z.object({ result: z.array(z.object({ value: z.tuple([z.number(), z.string()]) })) }),
});

describe('the circuit alert in a real Prometheus', () => {
  it('goes pending, then firing, for the replica whose breaker opened', async (ctx) => {
    const prometheus = requireBinary(ctx, 'prometheus');
    const [one, two] = await Promise.all([startReplica(), startReplica()]);
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const target = (url: string) => new URL(url).host;
    const config = join(tempDir(), 'prometheus.yml');
    writeFileSync(
      config,
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [RULES_FILE],
        scrape_configs: [
          {
            job_name: 'genesys-tools',
            static_configs: [{ targets: [target(one.metricsUrl), target(two.metricsUrl)] }],
          },
        ],
      }),
    );
    const server = startPrometheus(prometheus, config, port);
    const poll = { timeout: 45_000, interval: 250 };

    // Both replicas scraped (up == 1 for two targets) before anything happens.
    await vi.waitFor(async () => {
      const response = await fetch(
        `${api}/api/v1/query?query=sum(up%7Bjob%3D%22genesys-tools%22%7D)`,
      );
      const body = QueryAnswer.parse(await response.json());
      expect(body.data.result[0]?.value[1], server.log()).toBe('2');
    }, poll);

    const alerts = async () => {
      const body = AlertsAnswer.parse(await (await fetch(`${api}/api/v1/alerts`)).json());
      return body.data.alerts.filter((a) => a.labels.alertname === 'GenesysToolsCircuitOpen');
    };
    expect(await alerts()).toEqual([]);

    // Two failures open backend_down's breaker on replica one; replica two stays closed.
    expect([await one.call('backend_down'), await one.call('backend_down')]).toEqual([500, 500]);
    expect(await one.call('backend_down')).toBe(503);
    expect(await two.call('echo')).toBe(200);

    const states: string[] = [];
    const expected = {
      alertname: 'GenesysToolsCircuitOpen',
      gen_ai_tool_name: 'backend_down',
      instance: target(one.metricsUrl),
      severity: 'critical',
    };
    await vi.waitFor(async () => {
      const now = await alerts();
      for (const a of now) if (states.at(-1) !== a.state) states.push(a.state);
      expect(now.map((a) => ({ labels: a.labels, state: a.state }))).toEqual([
        { labels: expected, state: 'firing' },
      ]);
    }, poll);
    // It was seen pending before it fired (`for: 15s`, polled every 250 ms).
    expect(states).toEqual(['pending', 'firing']);
  }, 120_000);
});
