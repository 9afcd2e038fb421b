import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { ROOT, cli, linkPackage, run, startDaemon } from './support.js';

describe('genesys-tools init, through the built binary', () => {
  it('scaffolds an ESM project that passes validate and serves its tool at once', async () => {
    const parent = tempDir();
    const made = await cli(['init', 'shop-tools'], {}, parent);
    expect(made.code, made.stderr).toBe(0);
    const dir = join(parent, 'shop-tools');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({ type: 'module', dependencies: { 'genesys-tools': '^0.1.0' } });
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toContain('audit/');
    linkPackage(dir);

    const validate = await cli(['validate'], {}, dir);
    expect(validate.stdout + validate.stderr).toMatch(/^valid: 1 valid tool, 0 errors/m);
    expect(validate.code).toBe(0);

    const token = 'init-project-token-0123456789';
    const server = await startDaemon(
      ['serve', '--port', '0', '--metrics-port', '0'],
      { GENESYS_TOOLS_BEARER_TOKEN: token },
      /POST (http:\/\/127\.0\.0\.1:\d+\/api\/v1\/tools\/greet_customer)/,
      dir,
    );
    const res = await fetch(server.match[1] ?? '', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool_name: 'greet_customer', parameters: { name: 'Ada' } }),
    });
    expect(await res.json()).toMatchObject({
      status: 'success',
      output: { greeting: 'Hello, Ada!' },
    });
    expect(await server.stop()).toBe(0);
    // The audit log lands in the directory .gitignore names.
    // One file per instance (audit.{instance}.jsonl).
    const [file, ...others] = readdirSync(join(dir, 'audit')).filter((f) => f.endsWith('.jsonl'));
    expect(others).toEqual([]);
    expect(readFileSync(join(dir, 'audit', file ?? ''), 'utf8')).toContain('greet_customer');
  }, 120_000);

  it('refuses to overwrite a file that exists, writing nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    const made = await cli(['init'], {}, dir);
    expect(made.code).toBe(1);
    expect(made.stderr).toMatch(/^error CONFIG_INVALID: init: .*package\.json already exist/m);
    expect(made.stderr).toMatch(/^ {2}fix: /m);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
  });
});

describe('the package in a new project', () => {
  it("the README's tool example passes validate when copied into a new project", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Writing a tool'));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(example).toContain("from 'genesys-tools'");
    const parent = tempDir();
    expect((await cli(['init', 'p'], {}, parent)).code).toBe(0);
    const dir = join(parent, 'p');
    writeFileSync(join(dir, 'tools', 'check_inventory.tool.ts'), example);
    linkPackage(dir);
    const validate = await cli(['validate', '--json'], {}, dir);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  }, 120_000);

  it('loads with require() in a CommonJS project', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name":"legacy","type":"commonjs"}\n');
    linkPackage(dir);
    const script =
      "const { defineTool, isGenesysToolsError } = require('genesys-tools');" +
      "const t = defineTool({ name: 'cjs_tool', description: 'From CommonJS', parameters: {} });" +
      'console.log(t.name, typeof isGenesysToolsError);';
    const result = await run(process.execPath, ['-e', script], { cwd: dir });
    expect(result.stderr).not.toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(result.stdout.trim()).toBe('cjs_tool function');
    expect(result.code).toBe(0);
  });
});
