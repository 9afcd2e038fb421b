/**
 * The docs cite only what is in the repository, and say what the code does (issue 15 item 20).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_CHECKED, PERMISSION_READS } from '../../src/cli/commands/doctor.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The API reference is kept as written (it cites public sources, not this repository's files).
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const TOP_DIRS = ['src', 'test', 'docs', 'examples', 'bench', 'scripts', 'deploy'];

/** Repository paths a document cites: link targets, and code spans naming a repo path or a .md file. */
export function citedPaths(
  markdown: string,
): readonly { readonly path: string; readonly relativeToDoc: boolean }[] {
  const out: { path: string; relativeToDoc: boolean }[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = (m[1] ?? '').split('#')[0] ?? '';
    if (target === '' || /^[a-z]+:/i.test(target)) continue;
    out.push({ path: target, relativeToDoc: true });
  }
  for (const m of markdown.matchAll(/`([^`\s]+)`/g)) {
    const token = (m[1] ?? '').replace(/^\.\//, '').replace(/[.,:;]+$/, '');
    if (/[*{}<>$]|^https?:|^\/|\.\.\./.test(token)) continue;
    const top = token.split('/')[0] ?? '';
    if ((TOP_DIRS.includes(top) && token.includes('/')) || /^[\w./-]+\.md$/.test(token)) {
      out.push({ path: token, relativeToDoc: false });
    }
  }
  return out;
}

describe('the docs', () => {
  it.each(DOCS)('%s cites only files that exist in the repository', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = citedPaths(text)
      .filter(({ path, relativeToDoc }) => {
        const fromDoc = join(ROOT, dirname(doc), path);
        return relativeToDoc
          ? !existsSync(fromDoc)
          : !existsSync(join(ROOT, path)) && !existsSync(fromDoc);
      })
      .map((c) => c.path);
    expect(missing).toEqual([]);
  });

  it('finds a cited path that is not there (the check can fail)', () => {
    expect(citedPaths('see `BINDINGS-WIRE.md` and [x](docs/nope.md) and `src/nope.ts`')).toEqual([
      { path: 'docs/nope.md', relativeToDoc: true },
      { path: 'BINDINGS-WIRE.md', relativeToDoc: false },
      { path: 'src/nope.ts', relativeToDoc: false },
    ]);
  });

  it('has a LICENSE with the Apache-2.0 text that package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('lists in the README exactly the permissions doctor reads or names as not checked', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('| what genesys-tools does'),
      readme.indexOf('`doctor` reads once'),
    );
    const documented = new Set(
      [...table.matchAll(/`([a-zA-Z]+:[a-zA-Z]+:[a-zA-Z]+)`/g)].map((m) => m[1]),
    );
    const doctor = new Set<string>([...PERMISSION_READS.map((r) => r.permission), ...NOT_CHECKED]);
    expect([...doctor].sort()).toEqual([...documented].sort());
    const sentence = readme.slice(
      readme.indexOf('`doctor` reads once'),
      readme.indexOf('### 2. The region'),
    );
    for (const read of PERMISSION_READS) expect(sentence).toContain(`\`${read.permission}\``);
  });

  it('states the policy defaults the definition schema applies', async () => {
    const { PolicyShape } = await import('../../src/definition/policy-schema.js');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rate = PolicyShape.rateLimit.parse(undefined);
    expect(readme).toContain(
      `\`rateLimit\` ${String(rate.requestsPerMinute)} requests per minute with a burst of ${String(rate.burstSize)}, \`timeoutMs\` ${String(PolicyShape.timeoutMs.parse(undefined))}, \`retries\` ${String(PolicyShape.retries.parse(undefined))}`,
    );
  });

  it('has examples that import the package by name, as a user copies them', () => {
    const dir = join(ROOT, 'examples', 'tools');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).toContain("from 'genesys-tools'");
      expect(text, file).not.toMatch(/from '\.\.\/\.\.\/src/);
    }
  });
});
