import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCliContext } from '../support/cli-context.js';
import { runCli } from '../../src/cli/main.js';
import { tempDir } from '../support/temp-dir.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const { ctx, out, err } = fakeCliContext({ env, cwd });
  const code = await runCli(argv, ctx);
  return { code, stdout: out(), stderr: err() };
}

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

const GOOD =
  'name: good\ndescription: A good tool\nparameters:\n  sku: { type: string, required: true }\n';
const DATE = 'name: dated\ndescription: Uses a date type\nparameters:\n  sku: { type: date }\n';
const NESTED =
  'name: nested\ndescription: Nested input\nparameters:\n  address: { type: object }\n';
const FIVE =
  'name: five\ndescription: Five inputs\nparameters:\n' +
  ['a', 'b', 'c', 'd', 'e'].map((n) => `  ${n}: { type: string }\n`).join('');

describe('genesys-tools validate', () => {
  it('exits 0 and prints a summary when every tool is valid', async () => {
    const dir = project({ 'tools/good.yaml': GOOD });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('valid: 1 valid tool, 0 errors, 0 warnings (target data-actions)\n');
  });

  it('exits 1 and prints one line per error with file, pointer, message and hint', async () => {
    const dir = project({ 'tools/good.yaml': GOOD, 'tools/dated.yaml': DATE });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'tools/dated.yaml:4:16:/parameters/sku/type: "date" is not allowed; use string with format "date"',
      'INVALID: 1 valid tool, 1 error, 0 warnings (target data-actions)',
      '',
    ]);
  });

  it('prints the issues as a JSON array with --json', async () => {
    const dir = project({ 'tools/dated.yaml': DATE });
    const r = await run(['validate', '--json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({
        file: 'tools/dated.yaml',
        tool: 'dated',
        pointer: '/parameters/sku/type',
        message: '"date" is not allowed',
        hint: 'use string with format "date"',
        code: 'DEFINITION_UNSUPPORTED_TYPE',
        severity: 'error',
      }),
    ]);
  });

  it('marks warnings and still exits 0', async () => {
    const dir = project({ 'five.yaml': FIVE });
    const r = await run(['validate', 'five.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('five.yaml:4:3:/parameters: warning: 5 inputs;');
    expect(r.stdout).toContain('1 warning');
  });

  it.each([
    ['data-actions', 1],
    ['gateway', 0],
  ])('applies the %s profile with --target (exit %i for a nested input)', async (target, code) => {
    const dir = project({ 'nested.yaml': NESTED });
    const r = await run(['validate', 'nested.yaml', '--target', target], dir);
    expect(r.code).toBe(code);
    expect(r.stdout).toContain(`(target ${target})`);
  });

  it('takes the target from GENESYS_TOOLS_TARGET', async () => {
    const dir = project({ 'nested.yaml': NESTED });
    const r = await run(['validate', 'nested.yaml'], dir, { GENESYS_TOOLS_TARGET: 'gateway' });
    expect(r.code).toBe(0);
  });

  it('takes the tool paths and target from the config file', async () => {
    const dir = project({
      'genesys-tools.config.yaml': 'tools: [defs]\ntarget: gateway\n',
      'defs/nested.yaml': NESTED,
    });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('valid: 1 valid tool, 0 errors, 0 warnings (target gateway)\n');
  });

  it('exits 2 for an unknown target', async () => {
    const dir = project({ 'tools/good.yaml': GOOD });
    const r = await run(['validate', '--target', 'mars'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mars');
  });

  it('exits 2 for an unknown option', async () => {
    const dir = project({ 'tools/good.yaml': GOOD });
    expect((await run(['validate', '--colour'], dir)).code).toBe(2);
  });

  it('exits 2 for a bad config file, naming the unknown field', async () => {
    const dir = project({ 'genesys-tools.config.json': '{"tools":["tools"],"colour":"red"}' });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CONFIG_FILE_INVALID');
    expect(r.stderr).toContain('"colour"');
  });

  it('exits 1 for a path that does not exist', async () => {
    const dir = project({});
    const r = await run(['validate', 'missing'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('missing: no such file or directory');
  });

  it('never prints a stack trace for a tool module that throws', async () => {
    const dir = project({ 'boom.tool.ts': "throw new Error('kaboom');\nexport default {};\n" });
    const r = await run(['validate', 'boom.tool.ts'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('boom.tool.ts: importing the module failed: Error: kaboom');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
