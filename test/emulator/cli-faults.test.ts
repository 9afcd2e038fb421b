import { describe, expect, it, onTestFinished } from 'vitest';
import {
  emulatorOptionsFromFlags,
  faultsFromFlags,
  parseEmulatorFlags,
} from '../../src/cli/commands/emulator.js';
import { runCli } from '../../src/cli/main.js';
import { createEmulator } from '../../src/emulator/index.js';
import { fakeCliContext } from '../support/cli-context.js';
import { startEmulator } from '../support/emulator.js';
import { basic, tokenFor } from './helpers.js';

async function statusesUnder(argv: Record<string, unknown>, n: number): Promise<number[]> {
  const emulator = await createEmulator(emulatorOptionsFromFlags(parseEmulatorFlags(argv)));
  onTestFinished(() => emulator.close());
  const token = await tokenFor(emulator);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await emulator.app.inject({
      method: 'GET',
      url: '/api/v2/integrations',
      headers: { authorization: `Bearer ${token}` },
    });
    out.push(res.statusCode);
  }
  return out;
}

const count = (xs: readonly number[], x: number): number => xs.filter((y) => y === x).length;

describe('emulator fault flags', () => {
  it.each([
    [['--fault-5xx-rate', '1.5'], '--fault-5xx-rate: must be a fraction from 0 to 1'],
    [['--fault-429-rate', '-0.1'], '--fault-429-rate: must be a fraction from 0 to 1'],
    [['--fault-drop-rate', 'often'], '--fault-drop-rate'],
    [['--fault-latency-ms', '-5'], '--fault-latency-ms'],
    [['--fault-seed', '1.5'], '--fault-seed'],
    [['--listing-lag-ms', 'soon'], '--listing-lag-ms'],
    [['--execution-concurrency', '0'], '--execution-concurrency'],
    [['--executions-per-minute', '0'], '--executions-per-minute'],
  ])('refuses %j with a usage error naming the flag', async (flags, text) => {
    const { ctx, err } = fakeCliContext();
    expect(await runCli(['emulator', '--port', '0', ...flags], ctx)).toBe(1);
    expect(err()).toContain(text);
  });

  it('builds no fault rule when no fault flag is given', () => {
    expect(faultsFromFlags(parseEmulatorFlags({}))).toBeUndefined();
  });

  it('builds one /api/v2 rule whose 5xx and 429 are drawn apart', () => {
    const flags = parseEmulatorFlags({
      fault5xxRate: '0.2',
      fault429Rate: '0.1',
      faultDropRate: '0.05',
      faultLatencyMs: '7',
      faultSeed: '42',
    });
    expect(faultsFromFlags(flags)).toEqual({
      seed: 42,
      rules: [
        {
          path: '/api/v2/*',
          errorRate: 0.2,
          errorStatus: 503,
          rateLimitRate: 0.1,
          dropRate: 0.05,
          dropPhase: 'response',
          latencyMs: 7,
          retryAfterSeconds: 1,
        },
      ],
    });
  });

  it('answers both 503s and 429s in one run, reproducibly for a seed', async () => {
    const argv = { fault5xxRate: '0.3', fault429Rate: '0.3', faultSeed: '9' };
    const a = await statusesUnder(argv, 200);
    const b = await statusesUnder(argv, 200);
    expect(a).toEqual(b);
    // Drawn apart: 503 about 30 %, 429 about 0.7 × 30 % = 21 %, the rest 200.
    expect(count(a, 503)).toBeGreaterThan(40);
    expect(count(a, 503)).toBeLessThan(80);
    expect(count(a, 429)).toBeGreaterThan(25);
    expect(count(a, 429)).toBeLessThan(60);
    expect(count(a, 200)).toBe(200 - count(a, 503) - count(a, 429));
    const other = await statusesUnder({ ...argv, faultSeed: '10' }, 200);
    expect(other).not.toEqual(a);
  });

  it('passes the strictness flags through to the emulator options', () => {
    const options = emulatorOptionsFromFlags(
      parseEmulatorFlags({
        listingLagMs: '1000',
        uniqueActionNames: true,
        executionConcurrency: '3',
        executionsPerMinute: '60',
      }),
    );
    expect(options).toMatchObject({
      listingLagMs: 1000,
      uniqueActionNames: true,
      executionConcurrency: 3,
      executionsPerMinute: 60,
    });
  });

  it('runs from the command line with faults on the API and none on the login host', async () => {
    const stop = new AbortController();
    const { ctx, out, printed } = fakeCliContext({ stop });
    const running = runCli(['emulator', '--port', '0', '--fault-429-rate', '1'], ctx);
    await printed('GENESYS_CLOUD_CLIENT_SECRET');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out())?.[1] ?? '';
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic('emulator-client', 'emulator-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const api = await fetch(`${url}/api/v2/organizations/limits/namespaces/dataactions`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(api.status).toBe(429);
    expect(api.headers.get('retry-after')).toBe('1');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('wires the execution limit flags to the limits endpoint', async () => {
    const stop = new AbortController();
    const { ctx, out, printed } = fakeCliContext({ stop });
    const running = runCli(
      ['emulator', '--port', '0', '--execution-concurrency', '4', '--executions-per-minute', '120'],
      ctx,
    );
    await printed('GENESYS_CLOUD_CLIENT_SECRET');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out())?.[1] ?? '';
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic('emulator-client', 'emulator-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const res = await fetch(`${url}/api/v2/organizations/limits/namespaces/dataactions`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const body = (await res.json()) as { entities: { value: number }[] };
    expect(body.entities.map((e) => e.value)).toEqual([4, 120]);
    stop.abort();
    expect(await running).toBe(0);
  });
});

describe('response-phase drops', () => {
  it('runs the request, then cuts the connection: the create takes effect, its answer is lost', async () => {
    const { url, emulator } = await startEmulator();
    const token = await tokenFor(emulator);
    emulator.setFaults({
      rules: [{ path: '/api/v2/integrations', method: 'POST', dropRate: 1, dropPhase: 'response' }],
    });
    const attempt = fetch(`${url}/api/v2/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lost answer', integrationType: { id: 'custom-rest-actions' } }),
    });
    await expect(attempt).rejects.toThrow();
    expect(emulator.calls.at(-1)).toMatchObject({ path: '/api/v2/integrations', status: 0 });
    const listing = await fetch(`${url}/api/v2/integrations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await listing.json()) as { entities: { name: string }[] };
    expect(body.entities.map((e) => e.name)).toEqual(['lost answer']);
  });
});
