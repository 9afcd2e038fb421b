/**
 * `genesys-tools init [dir]`: scaffolds a tool project that passes `validate` and `serve` at once:
 * an ESM package.json depending on genesys-tools and zod, one tool, the config file and a
 * .gitignore that keeps the audit directory out of git (issue 15 item 18). Tool projects are ESM:
 * tool modules are loaded with `import()` (README "Writing a tool").
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { packageVersion } from '../version.js';

const TOOL = `import { z } from 'zod';
import { defineTool } from 'genesys-tools';

export default defineTool({
  name: 'greet_customer',
  description: 'Greets a customer by name',
  input: z.object({ name: z.string().min(1).describe("The customer's first name") }),
  output: z.object({ greeting: z.string() }),
  handler: ({ name }) => ({ greeting: \`Hello, \${name}!\` }),
});
`;

const CONFIG = `# genesys-tools.config.yaml: what validate, plan and apply read (README "Configuration").
tools: [tools]
`;

const GITIGNORE = `node_modules/
dist/
# serve writes audit/audit.jsonl, apply and destroy audit/changes.jsonl (and their HMAC keys)
audit/
.env
`;

/** The package name npm accepts for a directory: lower case, no spaces. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name === '' ? 'genesys-tools-project' : name;
}

/** The files of a new project in `dir`, by path relative to it. */
export function scaffold(dir: string, version: string): Readonly<Record<string, string>> {
  const pkg = {
    name: packageName(dir),
    version: '0.1.0',
    private: true,
    // Tool modules are ES modules: `import { defineTool } from 'genesys-tools'`.
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      validate: 'genesys-tools validate',
      serve: 'genesys-tools serve',
      plan: 'genesys-tools plan',
    },
    dependencies: { 'genesys-tools': `^${version}`, zod: '~4.6' },
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'genesys-tools.config.yaml': CONFIG,
    '.gitignore': GITIGNORE,
    'tools/greet_customer.tool.ts': TOOL,
  };
}

async function runInit(dirArg: string | undefined, ctx: CliContext): Promise<void> {
  const dir = resolve(ctx.cwd, dirArg ?? '.');
  const files = scaffold(dir, packageVersion());
  // Never overwrite a file the user already has: check them all before writing any.
  const taken = Object.keys(files).filter((path) => existsSync(join(dir, path)));
  if (taken.length > 0) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `init: ${taken.map((p) => join(dir, p)).join(', ')} already exist(s); init writes only new files: run it in an empty directory or move those files away.`,
    );
  }
  await mkdir(join(dir, 'tools'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await writeFile(join(dir, path), text, { flag: 'wx' });
    ctx.stdout(`created ${join(relative(ctx.cwd, dir) || '.', path)}\n`);
  }
  const cd = relative(ctx.cwd, dir);
  ctx.stdout(
    [
      '',
      'Next:',
      ...(cd === '' ? [] : [`  cd ${cd}`]),
      '  npm install',
      '  npx genesys-tools validate',
      '  npx genesys-tools serve --insecure-no-auth   # local only; set GENESYS_TOOLS_BEARER_TOKEN otherwise',
      '',
    ].join('\n'),
  );
  ctx.exitCode = EXIT.ok;
}

/** Registers `init`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('scaffold a tool project (ESM package.json, one tool, config file, .gitignore)')
    .argument('[dir]', 'directory to create it in (default: the current one)')
    .action(async (dir: string | undefined) => {
      await runInit(dir, ctx);
    });
}
