import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { ROOT, cli, run, startDaemon } from './support.js';

describe('what a user sees of the built CLI', () => {
  it('prints its version with --version and -v', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await cli([flag], {});
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(pkg.version);
    }
  });

  it('prints a tool error of validate in the one error format: error CODE, then fix', async () => {
    const result = await cli(['validate', 'test/fixtures/tools/bad-name.tool.ts'], {});
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const first = lines.findIndex((l) => l.startsWith('error '));
    expect(lines[first]).toMatch(/^error [A-Z]+_[A-Z_]+: \S+/);
    expect(lines[first + 1]).toMatch(/^ {2}fix: \S/);
  });

  it('the emulator prints export lines a shell can evaluate, secret quoted', async () => {
    const secret = "s3cret with 'quote' and $HOME";
    const emulator = await startDaemon(
      ['emulator', '--port', '0', '--client', `my-client:${secret}`],
      {},
      /Press Ctrl\+C/,
    );
    const exports = emulator
      .output()
      .split('\n')
      .filter((l) => l.trimStart().startsWith('export '))
      .join('\n');
    expect(exports.split('\n')).toHaveLength(4);
    const shell = await run('sh', [
      '-c',
      `${exports}\nprintf '%s|%s|%s' "$GENESYS_CLOUD_API_URL" "$GENESYS_CLOUD_CLIENT_ID" "$GENESYS_CLOUD_CLIENT_SECRET"`,
    ]);
    expect(shell.stdout).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+\\|my-client\\|`));
    expect(shell.stdout.split('|')[2]).toBe(secret);
    expect(await emulator.stop()).toBe(0);
  });

  it('the demo prints how to call the registry it advertises, and that call answers', async () => {
    const demo = await startDaemon(
      [
        'demo',
        '--port',
        '0',
        '--emulator-port',
        '0',
        '--metrics-port',
        '0',
        '--audit-file',
        join(tempDir(), 'audit.jsonl'),
      ],
      { LOG_LEVEL: 'warn' },
      /serving until Ctrl-C/,
    );
    const curl =
      /registry +curl -H '(Authorization: Bearer [^']+)' (http:\S+\/api\/v1\/tools\/registry)/.exec(
        demo.output(),
      );
    expect(curl, demo.output()).not.toBeNull();
    const [name, value] = (curl?.[1] ?? '').split(': ');
    const res = await fetch(curl?.[2] ?? '', { headers: { [name ?? '']: value ?? '' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      tools: expect.arrayContaining([
        expect.objectContaining({ name: 'check_inventory' }),
      ]) as unknown,
    });
    expect(await demo.stop()).toBe(0);
  }, 180_000);
});
