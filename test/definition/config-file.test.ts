import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';

function withFile(name: string, text: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadConfigFile', () => {
  it('returns undefined when there is no config file', async () => {
    expect(await loadConfigFile(tempDir())).toBeUndefined();
  });

  it.each([
    ['genesys-tools.config.yaml', 'tools: [tools, more]\ntarget: gateway\ncategory: mine\n'],
    [
      'genesys-tools.config.json',
      '{"tools":["tools","more"],"target":"gateway","category":"mine"}',
    ],
    [
      'genesys-tools.config.ts',
      "const config: { tools: string[]; target: 'gateway'; category: string } = { tools: ['tools', 'more'], target: 'gateway', category: 'mine' };\nexport default config;\n",
    ],
    [
      'genesys-tools.config.js',
      "export default { tools: ['tools', 'more'], target: 'gateway', category: 'mine' };\n",
    ],
  ])('loads %s with tool paths resolved against its directory', async (name, text) => {
    const dir = withFile(name, text);
    const config = await loadConfigFile(dir);
    expect(config).toMatchObject({
      file: join(dir, name),
      tools: [join(dir, 'tools'), join(dir, 'more')],
      target: 'gateway',
      category: 'mine',
    });
  });

  it('loads a file given by path', async () => {
    const dir = withFile('custom.yaml', 'executionUrl: https://tools.example.com\n');
    const config = await loadConfigFile(dir, 'custom.yaml');
    expect(config?.executionUrl).toBe('https://tools.example.com');
  });

  it.each([
    ['an unknown field', 'genesys-tools.config.yaml', 'colour: red\n', '"colour"'],
    ['a bad target', 'genesys-tools.config.yaml', 'target: mars\n', '/target'],
    ['a bad URL', 'genesys-tools.config.yaml', 'executionUrl: ftp://x\n', '/executionUrl'],
    ['a YAML syntax error', 'genesys-tools.config.yaml', 'tools: [a\n', 'YAML syntax error at 2:1'],
    [
      'a JSON syntax error',
      'genesys-tools.config.json',
      '{\n "tools": }',
      'JSON syntax error at 2:',
    ],
    ['an empty file', 'genesys-tools.config.json', '', 'empty'],
    ['a module that throws', 'genesys-tools.config.ts', "throw new Error('nope');\n", 'nope'],
  ])('refuses %s with CONFIG_FILE_INVALID', async (_label, name, text, fragment) => {
    const dir = withFile(name, text);
    const error: unknown = await loadConfigFile(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_FILE_INVALID' });
    expect(error instanceof Error ? error.message : '').toContain(fragment);
  });

  it('refuses a given path that does not exist', async () => {
    await expect(loadConfigFile(tempDir(), 'nope.yaml')).rejects.toMatchObject({
      code: 'CONFIG_FILE_INVALID',
    });
  });

  it('refuses two config files in one directory', async () => {
    const dir = withFile('genesys-tools.config.yaml', 'target: gateway\n');
    writeFileSync(join(dir, 'genesys-tools.config.json'), '{}');
    await expect(loadConfigFile(dir)).rejects.toThrow(/more than one config file/);
  });
});

describe('loadConfigFile: guides and agents (issue 13)', () => {
  const YAML = `tools: [tools]
guides:
  - name: Store assistant
    tools:
      - tool: check_inventory
        label: CheckInventory
      - tool: order_status
    instruction: instructions/store-assistant.md
agents:
  - id: agent-1
    tools:
      - tool: check_inventory
        description: Use when the customer asks whether a product is in stock.
        errors:
          - { status: 429, instruction: Tell the customer to try again in a minute. }
          - { status: [502, 503], instruction: Apologise. }
`;
  const EXPECTED = (dir: string) => ({
    guides: [
      {
        name: 'Store assistant',
        id: undefined,
        tools: [
          { tool: 'check_inventory', label: 'CheckInventory', description: undefined },
          { tool: 'order_status', label: undefined, description: undefined },
        ],
        instruction: join(dir, 'instructions', 'store-assistant.md'),
      },
    ],
    agents: [
      {
        name: undefined,
        id: 'agent-1',
        tools: [
          {
            tool: 'check_inventory',
            description: 'Use when the customer asks whether a product is in stock.',
            errors: [
              { status: [429], instruction: 'Tell the customer to try again in a minute.' },
              { status: [502, 503], instruction: 'Apologise.' },
            ],
          },
        ],
      },
    ],
  });

  it('reads them from YAML with the instruction path resolved against the file', async () => {
    const dir = withFile('genesys-tools.config.yaml', YAML);
    expect(await loadConfigFile(dir)).toMatchObject(EXPECTED(dir));
  });

  it('reads the same keys from JSON and TypeScript', async () => {
    const { parse } = await import('yaml');
    const data: unknown = parse(YAML);
    const json = withFile('genesys-tools.config.json', JSON.stringify(data));
    expect(await loadConfigFile(json)).toMatchObject(EXPECTED(json));
    const ts = withFile('genesys-tools.config.ts', `export default ${JSON.stringify(data)};\n`);
    expect(await loadConfigFile(ts)).toMatchObject(EXPECTED(ts));
  });

  it('has empty lists when the file names no guide or agent', async () => {
    const dir = withFile('genesys-tools.config.yaml', 'tools: [tools]\n');
    expect(await loadConfigFile(dir)).toMatchObject({ guides: [], agents: [] });
  });

  it.each([
    ['a guide without name or id', 'guides:\n  - tools: []\n', '/guides/0: give name or id'],
    [
      'an unknown field of a guide tool',
      'guides:\n  - name: G\n    tools: [{ tool: a, lable: A }]\n',
      '/guides/0/tools/0: unknown field "lable"',
    ],
    [
      'an unknown field of an agent',
      'agents:\n  - name: A\n    tools: []\n    model: Preview\n',
      '/agents/0: unknown field "model"',
    ],
    [
      'an error status out of range',
      'agents:\n  - name: A\n    tools: [{ tool: a, errors: [{ status: 42, instruction: x }] }]\n',
      '/agents/0/tools/0/errors/0/status',
    ],
    [
      'an error without instruction',
      'agents:\n  - name: A\n    tools: [{ tool: a, errors: [{ status: 429 }] }]\n',
      '/agents/0/tools/0/errors/0/instruction',
    ],
  ])('refuses %s with its pointer', async (_label, text, fragment) => {
    const dir = withFile('genesys-tools.config.yaml', text);
    const error: unknown = await loadConfigFile(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_FILE_INVALID' });
    expect(error instanceof Error ? error.message : '').toContain(fragment);
  });
});
