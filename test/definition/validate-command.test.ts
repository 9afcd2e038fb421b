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

/** Manifests name where they are served: validate refuses one without (issue 15 item 10). */
const ENDPOINT = 'endpoint: https://tools.example.com/api/v1/tools/t\n';
const GOOD =
  'name: good\ndescription: A good tool\nparameters:\n  sku: { type: string, required: true }\n' +
  ENDPOINT;
const DATE =
  'name: dated\ndescription: Uses a date type\nparameters:\n  sku: { type: date }\n' + ENDPOINT;
const NESTED =
  'name: nested\ndescription: Nested input\nparameters:\n  address: { type: object }\n' + ENDPOINT;
const NULLABLE =
  'name: nullable\ndescription: A nullable input\ninput:\n  type: object\n  properties:\n' +
  '    sku: { type: [string, "null"] }\n' +
  ENDPOINT;
const FIVE =
  'name: five\ndescription: Five inputs\nparameters:\n' +
  ['a', 'b', 'c', 'd', 'e'].map((n) => `  ${n}: { type: string }\n`).join('') +
  ENDPOINT;

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
      'error DEFINITION_UNSUPPORTED_TYPE: tools/dated.yaml:4:16:/parameters/sku/type: "date" is not allowed',
      '  fix: use string with format "date"',
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
    expect(r.stdout).toMatch(
      /^warning DEFINITION_\w+: five\.yaml:4:3:\/parameters: 5 inputs.*\n {2}fix: /m,
    );
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
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mars');
  });

  it('exits 2 for an unknown option', async () => {
    const dir = project({ 'tools/good.yaml': GOOD });
    expect((await run(['validate', '--colour'], dir)).code).toBe(1);
  });

  it('exits 2 for a bad config file, naming the unknown field', async () => {
    const dir = project({ 'genesys-tools.config.json': '{"tools":["tools"],"colour":"red"}' });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CONFIG_FILE_INVALID');
    expect(r.stderr).toContain('"colour"');
  });

  it('exits 1 for a path that does not exist', async () => {
    const dir = project({});
    const r = await run(['validate', 'missing'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('missing: no such file or directory');
  });

  it('refuses an input whose type is a list, naming the file, the input and the fix', async () => {
    const dir = project({ 'tools/nullable.yaml': NULLABLE });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'error DEFINITION_INPUT_TYPE_LIST: tools/nullable.yaml:6:18:/input/properties/sku/type: ' +
        '"type" is a list (["string","null"]); ' +
        'Genesys accepts exactly one type per input and drops null inputs',
      '  fix: an optional input is one that is not required: in zod write .optional() instead of ' +
        '.nullable(); in a manifest drop "null" from "type" and leave the input out of "required"',
      'INVALID: 0 valid tools, 1 error, 0 warnings (target data-actions)',
      '',
    ]);
  });

  it('accepts the same input with one type, left out of "required"', async () => {
    const dir = project({ 'tools/optional.yaml': NULLABLE.replace('[string, "null"]', 'string') });
    const r = await run(['validate'], dir);
    expect(r.stdout).toBe('valid: 1 valid tool, 0 errors, 0 warnings (target data-actions)\n');
  });

  it("refuses a type list in the parameter map with the map's fix", async () => {
    const dir = project({
      'tools/map.yaml':
        'name: map\ndescription: d\nparameters:\n  sku: { type: [string, "null"] }\n' + ENDPOINT,
    });
    const r = await run(['validate', '--json', '--target', 'gateway'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({
        file: 'tools/map.yaml',
        pointer: '/parameters/sku/type',
        code: 'DEFINITION_INPUT_TYPE_LIST',
        hint: 'give one type name; an optional parameter is one with "required: false" (the default), not a "null" type',
      }),
    ]);
  });

  it('refuses a zod .nullable() input and accepts the .optional() one', async () => {
    const dir = join(import.meta.dirname, '..', '..');
    const r = await run(['validate', '--json', 'test/fixtures/data-actions'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({
        file: 'test/fixtures/data-actions/nullable.tool.ts',
        tool: 'nullable_sku',
        pointer: '/input/properties/sku/type',
        code: 'DEFINITION_INPUT_TYPE_LIST',
        hint: expect.stringContaining('.optional() instead of .nullable()') as string,
      }),
    ]);
  });

  it.each([
    ['a constructor parameter', 'constructor: { type: string }', '/parameters/constructor'],
    ['a toString parameter', 'toString: { type: string, required: true }', '/parameters/toString'],
  ])('refuses %s under both targets, with the fix', async (_label, param, pointer) => {
    const dir = project({ 'p.yaml': `name: p\ndescription: d\nparameters:\n  ${param}\n` });
    for (const target of ['data-actions', 'gateway']) {
      const r = await run(['validate', 'p.yaml', '--json', '--target', target], dir);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual([
        expect.objectContaining({
          pointer,
          code: 'DEFINITION_RESERVED_NAME',
          hint: 'rename the parameter',
        }),
      ]);
    }
  });

  it('refuses a catastrophic pattern, naming where it is and how to rewrite it', async () => {
    const dir = project({
      'tools/p.yaml':
        'name: p\ndescription: d\nparameters:\n  code: { type: string, pattern: "^(a+)+$" }\n' +
        ENDPOINT,
    });
    const r = await run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'tools/p.yaml:4:34:/parameters/code/pattern: "^(a+)+$" may backtrack',
    );
    expect(r.stdout).toMatch(/^ {2}fix: .*e\.g\. \^\(a\+\)\+\$ as \^a\+\$/m);
  });

  it('accepts the example tools', async () => {
    const dir = join(import.meta.dirname, '..', '..');
    const r = await run(['validate', 'examples/tools', 'examples/manifests'], dir);
    expect(r.stdout).toMatch(/^valid: \d+ valid tools, 0 errors/m);
    expect(r.code).toBe(0);
  });

  it('never prints a stack trace for a tool module that throws', async () => {
    const dir = project({ 'boom.tool.ts': "throw new Error('kaboom');\nexport default {};\n" });
    const r = await run(['validate', 'boom.tool.ts'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('boom.tool.ts: importing the module failed: Error: kaboom');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
