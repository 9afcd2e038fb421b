import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertBindingsValid,
  defaultLabel,
  resolveBindings,
  validateBindings,
} from '../../src/bindings/index.js';
import type { AgentConfig, FileConfig, GuideConfig } from '../../src/config.js';
import { defineTool } from '../../src/definition/index.js';
import { isGenesysToolsError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';

const tool = (name: string, inputs: number, description = `Does ${name}`) =>
  defineTool({
    name,
    description,
    parameters: Object.fromEntries(
      Array.from({ length: inputs }, (_, i) => [`p${String(i)}`, { type: 'string' as const }]),
    ),
  });
const TOOLS = [tool('check_inventory', 2), tool('order_status', 3), tool('wide_tool', 5)];

const guide = (g: Partial<GuideConfig> & Pick<GuideConfig, 'tools'>): GuideConfig => ({
  name: 'Store assistant',
  id: undefined,
  instruction: undefined,
  ...g,
});
const gt = (name: string, label?: string, description?: string) => ({
  tool: name,
  label,
  description,
});
const agent = (tools: AgentConfig['tools']): AgentConfig => ({
  name: 'Store agent',
  id: undefined,
  tools,
});

function config(dir: string, guides: GuideConfig[], agents: AgentConfig[] = []): FileConfig {
  return {
    file: join(dir, 'genesys-tools.config.yaml'),
    tools: undefined,
    target: undefined,
    category: undefined,
    executionUrl: undefined,
    integrationName: undefined,
    integrationId: undefined,
    guides,
    agents,
  };
}

function instruction(dir: string, text: string): string {
  const path = join(dir, 'instruction.md');
  writeFileSync(path, text);
  return path;
}

describe('validateBindings', () => {
  it.each([
    ['check_inventory', 'CheckInventory'],
    ['order_status', 'OrderStatus'],
    ['lookup-order-v2', 'LookupOrderV2'],
    ['x', 'X'],
  ])('labels %s as %s by default', (name, label) => {
    expect(defaultLabel(name)).toBe(label);
  });

  it('accepts the example bindings with no issue', async () => {
    const dir = tempDir();
    const path = instruction(dir, 'Call {{Action.CheckInventory}} or {{ Action.OrderStatus }}.');
    const file = config(
      dir,
      [
        guide({
          tools: [gt('check_inventory', 'CheckInventory'), gt('order_status')],
          instruction: path,
        }),
      ],
      [agent([{ tool: 'check_inventory', description: 'In stock?', errors: [] }])],
    );
    const { desired, issues } = await resolveBindings(file, TOOLS, dir);
    expect(issues).toEqual([]);
    expect(desired.guides[0]).toMatchObject({
      tools: [
        { tool: 'check_inventory', label: 'CheckInventory', description: 'Does check_inventory' },
        { tool: 'order_status', label: 'OrderStatus', description: 'Does order_status' },
      ],
      instruction: 'Call {{Action.CheckInventory}} or {{ Action.OrderStatus }}.',
    });
    expect(desired.agents[0]?.tools).toEqual([
      { tool: 'check_inventory', description: 'In stock?', errors: [] },
    ]);
  });

  it('reports each problem with the config file, its pointer, code and severity', async () => {
    const dir = tempDir();
    const path = instruction(dir, 'Use {{Action.Inventory}} and {{Action.Missing}}.');
    const file = config(
      dir,
      [
        guide({
          tools: [
            gt('check_inventory', 'Inventory'),
            gt('nope'),
            gt('order_status', '2fast'),
            gt('wide_tool', 'Inventory'),
            gt('check_inventory', 'Again'),
            gt('order_status', 'Extra'),
          ],
          instruction: path,
        }),
        guide({ tools: [gt('order_status')], instruction: join(dir, 'missing.md') }),
      ],
      [agent([{ tool: 'ghost', description: undefined, errors: [] }])],
    );
    const issues = await validateBindings(file, TOOLS, dir);
    const brief = issues.map((i) => [i.file, i.pointer, i.code, i.severity]);
    expect(brief).toEqual([
      ['genesys-tools.config.yaml', '/guides/0/tools/1/tool', 'BINDING_UNKNOWN_TOOL', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools/2/label', 'BINDING_INVALID_LABEL', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools/3/label', 'BINDING_DUPLICATE_LABEL', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools/3/tool', 'BINDING_TOO_MANY_INPUTS', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools/4/tool', 'BINDING_DUPLICATE_TOOL', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools/5/tool', 'BINDING_DUPLICATE_TOOL', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/tools', 'BINDING_TOO_MANY_ACTIONS', 'error'],
      ['genesys-tools.config.yaml', '/guides/0/instruction', 'BINDING_UNBOUND_LABEL', 'error'],
      [
        'genesys-tools.config.yaml',
        '/guides/1/instruction',
        'BINDING_INSTRUCTION_NOT_FOUND',
        'error',
      ],
      ['genesys-tools.config.yaml', '/agents/0/tools/0/tool', 'BINDING_UNKNOWN_TOOL', 'error'],
    ]);
    expect(issues.find((i) => i.code === 'BINDING_UNBOUND_LABEL')?.message).toContain(
      '{{Action.Missing}}',
    );
    expect(issues.find((i) => i.code === 'BINDING_TOO_MANY_INPUTS')?.message).toBe(
      'tool "wide_tool" has 5 inputs; a guide can use only 4',
    );
    expect(issues.every((i) => i.hint.length > 0)).toBe(true);
  });

  it('warns about a bound label the instruction never names, and passes it', async () => {
    const dir = tempDir();
    const path = instruction(dir, 'Only {{Action.CheckInventory}} here.');
    const file = config(dir, [
      guide({ tools: [gt('check_inventory'), gt('order_status')], instruction: path }),
    ]);
    const issues = await validateBindings(file, TOOLS, dir);
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/guides/0/tools/1',
        code: 'BINDING_LABEL_NOT_USED',
        severity: 'warning',
        message: 'the instruction never names {{Action.OrderStatus}}',
      }),
    ]);
    expect(() => {
      assertBindingsValid(issues);
    }).not.toThrow();
  });

  it('does not check labels against an instruction it does not own', async () => {
    const dir = tempDir();
    const issues = await validateBindings(
      config(dir, [guide({ tools: [gt('order_status')] })]),
      TOOLS,
      dir,
    );
    expect(issues).toEqual([]);
  });

  it('refuses bindings with errors as BINDING_INVALID naming the pointer', async () => {
    const dir = tempDir();
    const issues = await validateBindings(
      config(dir, [guide({ tools: [gt('nope')] })]),
      TOOLS,
      dir,
    );
    try {
      assertBindingsValid(issues);
      expect.unreachable();
    } catch (error) {
      expect(isGenesysToolsError(error) && error.code).toBe('BINDING_INVALID');
      expect(String(error)).toContain('genesys-tools.config.yaml:/guides/0/tools/0/tool');
    }
  });
});
