/**
 * TypeScript tool modules without a resident loader: each `.tool.ts` (and every TypeScript file it
 * imports, relative or by path) is compiled once to an ES module in a cache directory, by a
 * short-lived child process, and the compiled copy is imported natively. No loader thread stays in
 * the server (tsx's costs about 35 MB of RSS on Node 20), and the compiler's own ~50 MB are
 * returned to the system when the child exits. When nothing changed since the last start, the
 * cache is read and no compiler runs at all.
 *
 * Stack traces show the `.tool.ts` file and line: each copy carries an inline source map and
 * source maps are turned on for the process (`process.setSourceMapsEnabled(true)`) before the
 * first copy is imported.
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DefinitionError } from '../errors.js';
import { walkTree } from './ts-tree.js';

/** Imports a module by file URL. */
export type ModuleImporter = (url: string) => Promise<unknown>;

/**
 * The cache directory: <tmpdir>/genesys-tools-<uid>/ts, ours alone (0700). A directory of that
 * name that another user made, or that others can write, is not trusted: a fresh one is used.
 */
function cacheRoot(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const base = join(tmpdir(), `genesys-tools-${uid === undefined ? 'user' : String(uid)}`);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const info = lstatSync(base);
  const trusted =
    info.isDirectory() && (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
  return trusted ? join(base, 'ts') : join(mkdtempSync(join(tmpdir(), 'genesys-tools-ts-')), 'ts');
}

/** The compiler's entry: compiled JavaScript next to this file, or its source through tsx. */
function compilerCommand(): readonly string[] {
  const self = fileURLToPath(import.meta.url);
  return self.endsWith('.ts')
    ? ['--import', 'tsx', fileURLToPath(new URL('./ts-compile-main.ts', import.meta.url))]
    : [fileURLToPath(new URL('./ts-compile-main.js', import.meta.url))];
}

type Outcome = { compiled: string } | { error: string };

function isOutcome(value: unknown): value is Outcome {
  if (typeof value !== 'object' || value === null) return false;
  return (
    ('compiled' in value && typeof value.compiled === 'string') ||
    ('error' in value && typeof value.error === 'string')
  );
}

/** Runs the compiler process over `entries`; resolves with each entry's outcome. */
function compile(root: string, entries: readonly string[]): Promise<Map<string, Outcome>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...compilerCommand()], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const parsed: unknown = code === 0 ? JSON.parse(out) : undefined;
      if (typeof parsed !== 'object' || parsed === null) {
        reject(
          new DefinitionError(
            'DEFINITION_IMPORT_FAILED',
            `compiling the TypeScript tool modules failed (exit ${String(code)}): ${err.trim()}`,
          ),
        );
        return;
      }
      resolve(
        new Map(
          Object.entries(parsed).flatMap(([k, v]): [string, Outcome][] =>
            isOutcome(v) ? [[k, v]] : [],
          ),
        ),
      );
    });
    child.stdin.end(JSON.stringify({ cacheRoot: root, entries }));
  });
}

/**
 * Compiles (or finds in the cache) the TypeScript modules at `paths` and everything they import,
 * and returns an importer for their file URLs: it imports each one's compiled copy, or rejects with
 * its compile error (file:line: message). Turns source maps on for the process.
 * @throws DefinitionError DEFINITION_IMPORT_FAILED when the compiler process itself fails.
 */
export async function typeScriptImporter(paths: readonly string[]): Promise<ModuleImporter> {
  // JavaScript tools only: no cache directory is made (a read-only file system has no /tmp).
  if (paths.length === 0) return async (url) => (await import(url)) as unknown;
  const root = cacheRoot();
  const outcomes = walkTree(root, paths) ?? (await compile(root, paths));
  process.setSourceMapsEnabled(true);
  return async (url) => {
    const outcome = outcomes.get(fileURLToPath(url));
    if (outcome !== undefined && 'error' in outcome) throw new Error(outcome.error);
    if (outcome === undefined) return (await import(url)) as unknown;
    // Node keeps a module per URL for the life of the process: a tool compiled again (its source
    // changed) is imported under a new URL, so a second loadTools in one process sees the change.
    const { mtimeMs, size } = statSync(outcome.compiled);
    const compiled = pathToFileURL(outcome.compiled);
    compiled.search = `?v=${String(mtimeMs)}-${String(size)}`;
    return (await import(compiled.href)) as unknown;
  };
}
