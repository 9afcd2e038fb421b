import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, run } from '../e2e/support.js';

/** The one ```ts block of the README's "Library" section, importing the package from src. */
function libraryExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Library\n')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  expect(blocks).toHaveLength(1);
  return (blocks[0] ?? '').replace("from 'genesys-tools'", `from '${join(ROOT, 'src/index.ts')}'`);
}

describe("the README's library example", () => {
  it('runs as printed against the embedded emulator and syncs the tool', async () => {
    // Inside the repository so that `zod` resolves from its node_modules.
    const file = join(ROOT, `.readme-library-${String(process.pid)}.mts`);
    writeFileSync(file, libraryExample());
    onTestFinished(() => {
      rmSync(file, { force: true });
    });
    const result = await run(process.execPath, ['--import', 'tsx', file], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^create check_inventory: applied [0-9a-f-]{36}$/m);
    expect(result.stdout).toContain('1 change(s) applied');
  }, 90_000);
});
