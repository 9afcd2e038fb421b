import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support.js';

const GOOD = [
  'name: tool_a',
  'description: Looks a thing up',
  'parameters:',
  '  sku: { type: string, description: The SKU, required: true }',
  'endpoint: https://tools.example.com/api/v1/tools/tool_a',
  '',
].join('\n');

/** "Billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
function aliasBomb(): string {
  const letters = 'abcdefghi';
  const lines = [`a: &a [${Array(9).fill('"lol"').join(',')}]`];
  for (let n = 1; n < letters.length; n += 1) {
    const prev = letters[n - 1] ?? 'a';
    const cur = letters[n] ?? 'i';
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return [...lines, 'name: bomb', 'description: boom', ''].join('\n');
}

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'tool_a.yaml'), GOOD);
  writeFileSync(join(dir, 'tools', 'bomb.yaml'), aliasBomb());
  writeFileSync(join(dir, 'tools', 'deep.yaml'), `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
  return dir;
}

// Issue 15 item 9: one bad manifest aborted the whole load with no file name, and --json printed
// text.
describe(
  'a manifest that cannot be turned into data, through the built CLI',
  { timeout: 120_000 },
  () => {
    it('validate --json reports DEFINITION_PARSE_ERROR for the file and still loads the others', async () => {
      const r = await cli(['validate', '--json'], {}, project());
      expect(r.code).toBe(1);
      const rows = JSON.parse(r.stdout) as { file: string; code: string; message: string }[];
      expect(rows.map((x) => [x.file, x.code])).toEqual([
        [join('tools', 'bomb.yaml'), 'DEFINITION_PARSE_ERROR'],
        [join('tools', 'deep.yaml'), 'DEFINITION_PARSE_ERROR'],
      ]);
      expect(rows[0]?.message).toMatch(/cannot be turned into data: .*alias/i);
      const text = await cli(['validate'], {}, project());
      expect(text.stdout).toContain('INVALID: 1 valid tool, 2 errors');
    });

    it('plan --json prints the error as JSON, naming the file', async () => {
      const r = await cli(
        ['plan', '--json'],
        {
          GENESYS_CLOUD_REGION: 'us-east-1',
          GENESYS_CLOUD_CLIENT_ID: 'id',
          GENESYS_CLOUD_CLIENT_SECRET: 'secret',
          GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
        },
        project(),
      );
      expect(r.code).toBe(1);
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('DEFINITION_PARSE_ERROR');
      expect(error.message).toContain(join('tools', 'bomb.yaml'));
    });
  },
);
