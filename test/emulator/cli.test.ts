import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCliContext } from '../support/cli-context.js';
import { runCli } from '../../src/cli/main.js';
import { clientsFromFlags, startBanner } from '../../src/cli/commands/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { basic } from './helpers.js';

describe('genesys-tools emulator', () => {
  it('prints the URL and env variables, serves the given client, and stops on the signal', async () => {
    const stop = new AbortController();
    const { ctx, out, printed } = fakeCliContext({ stop });
    const running = runCli(
      ['emulator', '--port', '0', '--client', 'cli-id:cli-secret', '--rate-limit', '5'],
      ctx,
    );
    await printed('GENESYS_CLOUD_CLIENT_SECRET');
    const text = out();
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    for (const line of [
      `export GENESYS_CLOUD_API_URL=${url!}`,
      `export GENESYS_CLOUD_LOGIN_URL=${url!}`,
      'export GENESYS_CLOUD_CLIENT_ID=cli-id',
      'export GENESYS_CLOUD_CLIENT_SECRET=cli-secret',
    ]) {
      expect(text).toContain(line);
    }
    const token = await fetch(`${url!}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic('cli-id', 'cli-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const api = await fetch(`${url!}/api/v2/integrations`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(api.headers.get('inin-ratelimit-allowed')).toBe('5');
    stop.abort();
    expect(await running).toBe(0);
    await expect(fetch(`${url!}/api/v2/integrations`)).rejects.toThrow();
  });

  it.each([
    [['emulator', '--client', 'no-colon'], '--client'],
    [['emulator', '--rate-limit', 'lots'], '--rate-limit'],
    [['emulator', '--port', '70000'], '--port'],
  ])('refuses bad flags %j with a usage error naming the flag', async (argv, flag) => {
    const stop = new AbortController();
    const { ctx, err } = fakeCliContext({ stop });
    expect(await runCli(argv, ctx)).toBe(1);
    expect(err()).toContain(flag);
  });

  it('reports a corrupt data directory instead of starting', async () => {
    const dir = tempDir('emu-cli-');
    writeFileSync(join(dir, 'emulator-state.json'), 'garbage');
    const stop = new AbortController();
    const { ctx, err } = fakeCliContext({ stop });
    expect(await runCli(['emulator', '--port', '0', '--data-dir', dir], ctx)).toBe(1);
    expect(err()).toContain('EMULATOR_STORE_CORRUPT');
  });

  it.each([
    [[], []],
    [
      ['a:b', 'c:d:e'],
      [
        { id: 'a', secret: 'b' },
        { id: 'c', secret: 'd:e' },
      ],
    ],
  ])('clientsFromFlags(%j)', (flags, expected) => {
    expect(clientsFromFlags(flags)).toEqual(expected);
  });

  it('startBanner names both hosts and exports the four variables, quoting what a shell would split', () => {
    const banner = startBanner('http://127.0.0.1:1234', { id: 'i', secret: "it's $ecret" });
    expect(banner.split('\n')).toEqual(
      expect.arrayContaining([
        '  export GENESYS_CLOUD_API_URL=http://127.0.0.1:1234',
        '  export GENESYS_CLOUD_LOGIN_URL=http://127.0.0.1:1234',
        '  export GENESYS_CLOUD_CLIENT_ID=i',
        `  export GENESYS_CLOUD_CLIENT_SECRET='it'\\''s $ecret'`,
      ]),
    );
  });
});
