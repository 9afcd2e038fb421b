import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCliDoc } from '../../scripts/render-cli-doc.js';

describe('CLI reference', () => {
  it('docs/cli.md is the help of every command as the program prints it (run npm run docs:cli)', () => {
    const onDisk = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderCliDoc());
  });

  it.each([
    'validate',
    'plan',
    'apply',
    'destroy',
    'list',
    'invoke',
    'serve',
    'emulator',
    'doctor',
    'audit verify',
    'demo',
  ])('documents the %s command', (command) => {
    expect(renderCliDoc()).toContain(`## genesys-tools ${command}\n`);
  });

  it.each(['GENESYS_CLOUD_REGION', 'GENESYS_TOOLS_EXECUTION_URL', 'GENESYS_TOOLS_BEARER_TOKEN'])(
    'the README configuration table names %s',
    (variable) => {
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
      expect(readme).toContain(`| \`${variable}\``);
    },
  );
});
