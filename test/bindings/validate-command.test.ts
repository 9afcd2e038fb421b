import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { fakeCliContext } from '../support/cli-context.js';
import { tempDir } from '../support/temp-dir.js';

async function run(argv: readonly string[], cwd: string) {
  const { ctx, out, err } = fakeCliContext({ env: {}, cwd });
  const code = await runCli(argv, ctx);
  return { code, stdout: out(), stderr: err() };
}

const TOOL =
  'name: check_inventory\ndescription: Checks stock\nparameters:\n  sku: { type: string, required: true }\n' +
  'endpoint: https://stock.example.com/api/v1/tools/check_inventory\n';

describe('genesys-tools validate: guides and agents of the config file', () => {
  it('validates the example config, bindings included', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const r = await run(['validate', '--config', 'examples/genesys-tools.config.yaml'], root);
    expect(r.stdout).toBe('valid: 2 valid tools, 0 errors, 0 warnings (target data-actions)\n');
    expect(r.code).toBe(0);
  });

  it('exits 1 with one line per binding problem, pointer and fix included', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'tools'));
    writeFileSync(join(dir, 'tools', 'inv.yaml'), TOOL);
    writeFileSync(join(dir, 'guide.md'), 'Call {{Action.Stock}}.');
    writeFileSync(
      join(dir, 'genesys-tools.config.yaml'),
      'tools: [tools]\nguides:\n  - name: G\n    tools: [{ tool: check_inventory }, { tool: ghost }]\n    instruction: guide.md\n',
    );
    const r = await run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'error BINDING_UNKNOWN_TOOL: genesys-tools.config.yaml:/guides/0/tools/1/tool: no tool "ghost" (tools: check_inventory)',
      '  fix: Use the name of a tool the tool files define (genesys-tools validate lists them), or add the tool.',
      'error BINDING_UNBOUND_LABEL: genesys-tools.config.yaml:/guides/0/instruction: the instruction names {{Action.Stock}} but the guide binds no tool labelled "Stock" (labels: CheckInventory, Ghost)',
      '  fix: Bind a tool with that label to the guide, or correct the name in the instruction.',
      'warning BINDING_LABEL_NOT_USED: genesys-tools.config.yaml:/guides/0/tools/0: the instruction never names {{Action.CheckInventory}}',
      '  fix: Name the action as {{Action.Label}} in the instruction so that the guide can call it, or unbind it.',
      'INVALID: 1 valid tool, 2 errors, 1 warning (target data-actions)',
      '',
    ]);
    const json = await run(['validate', '--json'], dir);
    expect(JSON.parse(json.stdout)).toContainEqual(
      expect.objectContaining({
        file: 'genesys-tools.config.yaml',
        tool: null,
        pointer: '/guides/0/tools/1/tool',
        code: 'BINDING_UNKNOWN_TOOL',
        severity: 'error',
      }),
    );
  });
});
