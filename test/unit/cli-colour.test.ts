import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { fakeCliContext } from '../support/cli-context.js';

// A usage error every command reaches the same way: serve with a port out of range.
const ARGV = ['serve', '--port', '70000'];
const ESC = '\u001b[';

describe('colours of the error line', () => {
  it('paints "error CODE:" on a terminal', async () => {
    const run = fakeCliContext({ isTty: true });
    expect(await runCli(ARGV, run.ctx)).toBe(1);
    expect(run.err()).toContain(`${ESC}1;31merror CONFIG_USAGE:${ESC}0m`);
  });

  it.each([
    ['NO_COLOR is set', { isTty: true, env: { NO_COLOR: '1' } }, ARGV],
    ['output is not a terminal', { isTty: false }, ARGV],
  ])('prints no colour when %s', async (_name, options, argv) => {
    const run = fakeCliContext(options);
    expect(await runCli(argv, run.ctx)).toBe(1);
    expect(run.err()).toMatch(/^error CONFIG_USAGE: .*\n {2}fix: /);
    expect(run.err()).not.toContain(ESC);
  });

  it('prints plain JSON with --json on a terminal', async () => {
    const run = fakeCliContext({ isTty: true });
    expect(await runCli(['validate', '--target', 'nowhere', '--json'], run.ctx)).toBe(1);
    expect(run.out() + run.err()).not.toContain(ESC);
  });
});
