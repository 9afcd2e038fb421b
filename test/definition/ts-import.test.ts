import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/deps.js';
import { loadTools } from '../../src/definition/load-tools.js';
import { tempDir } from '../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');
const lib = join(root, 'src', 'index.js');
const context = {
  signal: new AbortController().signal,
  invocationId: 'i',
  toolName: 'boom',
  attempt: 1,
  logger: silentLogger,
};

/**
 * A tool whose handler calls a helper module (imported as ./helper.js) that throws on line 4; the
 * helper imports a package (zod) from the directory's node_modules, as in a user's project.
 */
function writeThrowingTool(dir: string): void {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(
    join(dir, 'helper.ts'),
    [
      "import { z } from 'zod';",
      'interface Stock { readonly level: number }',
      'export function lookUp(sku: string): Stock {',
      "  if (z.string().min(3).safeParse(sku).success) throw new Error('warehouse offline');",
      '  return { level: 1 };',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'boom.tool.ts'),
    [
      `import { defineTool } from ${JSON.stringify(lib)};`,
      "import type { ToolContext } from '../no/such/types.js';",
      "import { lookUp } from './helper.js';",
      '',
      'type Parameters = { sku: string };',
      'export default defineTool({',
      "  name: 'boom',",
      "  description: 'Throws from its helper',",
      '  handler: (p: Record<string, unknown>, _c?: ToolContext): number =>',
      '    lookUp((p as Parameters).sku).level,',
      '});',
      '',
    ].join('\n'),
  );
}

describe('TypeScript tool modules without a loader', () => {
  it('imports a tool, its relative .ts helper and a package, and a throw shows the .ts lines', async () => {
    const dir = tempDir();
    writeThrowingTool(dir);
    const result = await loadTools(['boom.tool.ts'], { cwd: dir });
    expect(result.issues).toEqual([]);
    const handler = result.tools[0]?.handler;
    expect(await handler?.({ sku: 'a' }, context)).toBe(1);
    const thrown = await (async () => handler?.({ sku: 'abcd' }, context))().catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(Error);
    const stack = thrown instanceof Error ? (thrown.stack ?? '') : '';
    expect(stack).toContain('warehouse offline');
    expect(stack).toContain(`${join(dir, 'helper.ts')}:4:`);
    expect(stack).toContain(`${join(dir, 'boom.tool.ts')}:10:`);
  });

  it('reports a syntax error with its file and line, and loads the other tools', async () => {
    const dir = tempDir();
    writeThrowingTool(dir);
    writeFileSync(join(dir, 'broken.tool.ts'), 'export default {\n  name: "x",,\n};\n');
    const result = await loadTools(['.'], { cwd: dir });
    expect(result.tools.map((t) => t.name)).toEqual(['boom']);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      code: 'DEFINITION_IMPORT_FAILED',
      file: 'broken.tool.ts',
    });
    expect(result.issues[0]?.message).toContain(`${join(dir, 'broken.tool.ts')}:2:`);
  });

  it('compiles a changed source again (the cache is keyed by content)', async () => {
    const dir = tempDir();
    const tool = (description: string): string =>
      `import { defineTool } from ${JSON.stringify(lib)};\nexport default defineTool({ name: 'v', description: ${JSON.stringify(description)} });\n`;
    writeFileSync(join(dir, 'v1.tool.ts'), tool('first'));
    expect((await loadTools(['v1.tool.ts'], { cwd: dir })).tools[0]?.description).toBe('first');
    // Same content under another name: a new module; then the first file changed and its copy.
    writeFileSync(join(dir, 'v2.tool.ts'), tool('second'));
    expect((await loadTools(['v2.tool.ts'], { cwd: dir })).tools[0]?.description).toBe('second');
  });
});

describe('TypeScript tool modules in the built CLI', () => {
  const built = join(root, 'dist', 'definition', 'index.js');
  it.skipIf(!existsSync(built))(
    'starts no loader thread and prints the .ts line of a throw',
    () => {
      const dir = tempDir();
      writeThrowingTool(dir);
      // Threads of this process before and after loading (libuv's pool started first by a read).
      const script = `
      import { readdirSync } from 'node:fs';
      import { readFile } from 'node:fs/promises';
      import { loadTools } from ${JSON.stringify(built)};
      await readFile(${JSON.stringify(join(dir, 'helper.ts'))});
      const threads = () => readdirSync('/proc/self/task').length;
      const before = threads();
      const { tools } = await loadTools(['boom.tool.ts'], { cwd: ${JSON.stringify(dir)} });
      const after = threads();
      try { await tools[0].handler({ sku: 'abcd' }, {}); } catch (e) { console.log(e.stack); }
      console.log(JSON.stringify({ before, after }));
    `;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      const lines = run.stdout.trim().split('\n');
      const counts: unknown = JSON.parse(lines.at(-1) ?? '{}');
      expect(counts).toMatchObject({ before: expect.any(Number) as number });
      const { before, after } = counts as { before: number; after: number };
      expect(after).toBe(before);
      expect(run.stdout).toContain(`${join(dir, 'helper.ts')}:4:`);
      expect(run.stdout).toContain(`${join(dir, 'boom.tool.ts')}:10:`);
    },
  );

  it('loads JavaScript tools without making the TypeScript cache (no writable tmpdir)', async () => {
    const dir = tempDir();
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    const built = pathToFileURL(join(root, 'dist', 'index.js')).href;
    writeFileSync(
      join(dir, 'plain.tool.js'),
      [
        `import { defineTool } from ${JSON.stringify(built)};`,
        'export default defineTool({',
        "  name: 'plain', description: 'A JavaScript tool',",
        "  input: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },",
        '  handler: async () => ({ ok: true }),',
        '});',
      ].join('\n'),
    );
    // A file where the temporary directory should be: making any directory under it fails.
    const notADirectory = join(dir, 'not-a-directory');
    writeFileSync(notADirectory, '');
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = notADirectory;
    try {
      const { tools, issues } = await loadTools(['plain.tool.js'], { cwd: dir });
      expect(issues).toEqual([]);
      expect(tools.map((t) => t.name)).toEqual(['plain']);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });
});
