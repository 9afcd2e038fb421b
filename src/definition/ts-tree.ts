/**
 * The TypeScript cache's layout and its walk, without the compiler: which files a tool module
 * pulls in, where each compiled copy lives, and whether the copy on disk is current. Used by the
 * server's process (to import from the cache without loading TypeScript when nothing changed) and
 * by the short-lived compiler process (ts-compile.ts), so both agree on every name.
 *
 * Layout: a source file at /abs/dir/name.ts compiles to <cache>/abs/dir/name.ts.mjs (the absolute
 * path mirrored), so relative imports between compiled files stay relative. Each directory above a
 * source that holds node_modules gets a node_modules symlink at its mirrored place: a package
 * import from a compiled file resolves to the same package as it would from its source.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bumped when the compiled form changes, so that older cached copies are compiled again. */
const FORMAT = 'genesys-tools-ts/1';
const MARKER = '// genesys-tools-ts ';

/** Where the compiled copy of `source` lives in the cache rooted at `cacheRoot`. */
export function compiledPath(cacheRoot: string, source: string): string {
  const { root } = parse(source);
  // A Windows drive ("C:\\") becomes a directory name; on POSIX the root is "/".
  const withoutRoot = source.slice(root.length);
  return join(cacheRoot, root.replace(/[:\\/]/g, ''), `${withoutRoot}.mjs`);
}

/** The key a compiled copy is stored with: the source text, its path and the format. */
export function sourceKey(source: string, text: string): string {
  return createHash('sha256')
    .update(FORMAT)
    .update('\0')
    .update(source)
    .update('\0')
    .update(text)
    .digest('hex');
}

const TS_SOURCE = /\.(?:ts|mts|cts)$/;
const JS_TWIN: Readonly<Record<string, string>> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

const isFile = (path: string): boolean =>
  statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The TypeScript source an import specifier of `from` names, if any: `./x.js` when only `./x.ts`
 * exists (the NodeNext convention), `./x.ts`, and `./x` or `./dir` for `./x.ts` / `./dir/index.ts`
 * (as tsx allowed). Package imports and JavaScript files are not ours to compile: undefined.
 */
export function typeScriptTarget(specifier: string, from: string): string | undefined {
  let path: string;
  if (specifier.startsWith('file:')) path = fileURLToPath(specifier);
  else if (specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier)) {
    path = resolve(dirname(from), specifier);
  } else return undefined;
  if (TS_SOURCE.test(path)) return isFile(path) ? path : undefined;
  if (isFile(path)) return undefined;
  const ext = /\.[cm]?js$/.exec(path)?.[0];
  const twin = ext === undefined ? undefined : JS_TWIN[ext];
  if (ext !== undefined && twin !== undefined) {
    const candidate = path.slice(0, -ext.length) + twin;
    return isFile(candidate) ? candidate : undefined;
  }
  return [`${path}.ts`, join(path, 'index.ts')].find(isFile);
}

/** What a compiled copy records about itself on its marker line. */
interface Stored {
  readonly key: string;
  /** The TypeScript sources it imports, absolute. */
  readonly deps: readonly string[];
}

/** The marker line written before the source map comment of each compiled copy. */
function markerLine(key: string, deps: readonly string[]): string {
  return `${MARKER}${key} ${JSON.stringify(deps)}`;
}

function readStored(path: string): Stored | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const at = text.lastIndexOf(`\n${MARKER}`);
  if (at < 0) return undefined;
  const line = text.slice(at + 1 + MARKER.length, text.indexOf('\n', at + 1));
  const space = line.indexOf(' ');
  const deps: unknown = JSON.parse(line.slice(space + 1));
  if (!Array.isArray(deps) || !deps.every((d) => typeof d === 'string')) return undefined;
  return { key: line.slice(0, space), deps };
}

/** One source's compiled form, from the compiler. */
export interface Compiled {
  /** The module text, without a source map comment. */
  readonly code: string;
  /** `//# sourceMappingURL=...` (inline), the module's last line. */
  readonly sourceMapComment: string;
  readonly deps: readonly string[];
}

/** Compiles one source (its path and text); throws with a message naming the line when it cannot. */
export type Transpile = (source: string, text: string, outFile: string) => Compiled;

/**
 * Walks the import graph from `entries`: every TypeScript source reachable through relative
 * imports, each checked against its cached copy. With `transpile`, stale or missing copies are
 * compiled and written; without it, the walk stops at the first one and returns undefined (the
 * caller then runs the compiler). Returns each entry's compiled path, or its compile error.
 */
export function walkTree(
  cacheRoot: string,
  entries: readonly string[],
  transpile?: Transpile,
): Map<string, { compiled: string } | { error: string }> | undefined {
  const failed = new Map<string, string>();
  const seen = new Set<string>();
  const linked = new Set<string>();
  const queue = [...entries];
  for (let source = queue.shift(); source !== undefined; source = queue.shift()) {
    if (seen.has(source)) continue;
    seen.add(source);
    const out = compiledPath(cacheRoot, source);
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      failed.set(source, error instanceof Error ? error.message : String(error));
      continue;
    }
    const key = sourceKey(source, text);
    const stored = readStored(out);
    if (!linked.has(dirname(source))) {
      linkNodeModules(cacheRoot, dirname(source));
      linked.add(dirname(source));
    }
    if (stored?.key === key && stored.deps.every(isFile)) {
      queue.push(...stored.deps);
      continue;
    }
    if (transpile === undefined) return undefined;
    try {
      const compiled = transpile(source, text, out);
      const marker = markerLine(key, compiled.deps);
      writeAtomically(out, `${compiled.code}\n${marker}\n${compiled.sourceMapComment}\n`);
      queue.push(...compiled.deps);
    } catch (error) {
      failed.set(source, error instanceof Error ? error.message : String(error));
    }
  }
  return new Map(
    entries.map((e) => {
      const error = failed.get(e);
      return [e, error === undefined ? { compiled: compiledPath(cacheRoot, e) } : { error }];
    }),
  );
}

/** Two servers starting at once may compile the same file: each writes whole files only. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/**
 * Mirrors every node_modules directory above `dir` as a symlink at its place in the cache (on every
 * walk: a node_modules made or moved since the copy was compiled is found too).
 */
function linkNodeModules(cacheRoot: string, dir: string): void {
  for (let at = dir; ; at = dirname(at)) {
    const modules = join(at, 'node_modules');
    if (existsSync(modules)) {
      const link = dirname(compiledPath(cacheRoot, join(at, 'x')));
      const linkPath = join(link, 'node_modules');
      const current = lstatSync(linkPath, { throwIfNoEntry: false });
      if (
        current === undefined ||
        !current.isSymbolicLink() ||
        readlinkSync(linkPath) !== modules
      ) {
        if (current !== undefined) rmSync(linkPath, { recursive: true, force: true });
        mkdirSync(link, { recursive: true });
        try {
          symlinkSync(modules, linkPath, 'dir');
        } catch (error) {
          // Another process made the same link at the same moment.
          if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
        }
      }
    }
    linkOwnPackage(cacheRoot, at);
    if (dirname(at) === at) return;
  }
}

/**
 * A package may import itself by name (Node's self-reference through its "exports"): a tool in
 * the package's own directory tree importing 'genesys-tools', as in this repository's examples.
 * Node allows that only from files inside the package, and the compiled copy is not; so the
 * package's root gets a link `node_modules/<name>` in the cache, beside its mirrored directory,
 * through which the name resolves to the same package (its "exports", default conditions).
 */
function linkOwnPackage(cacheRoot: string, at: string): void {
  const name = ownPackageName(join(at, 'package.json'));
  if (name === undefined || dirname(at) === at) return;
  const modules = join(dirname(compiledPath(cacheRoot, join(at, 'x'))), '..', 'node_modules');
  const modulesStat = lstatSync(modules, { throwIfNoEntry: false });
  // The parent's own node_modules is linked there already: the name resolves through it, or not.
  if (modulesStat?.isSymbolicLink() === true) return;
  const linkPath = join(modules, name);
  if (lstatSync(linkPath, { throwIfNoEntry: false }) !== undefined) return;
  mkdirSync(dirname(linkPath), { recursive: true });
  try {
    symlinkSync(at, linkPath, 'dir');
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
}

/** The "name" of a package.json that has "exports" (self-reference needs both), else undefined. */
function ownPackageName(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { name, exports } = parsed as { name?: unknown; exports?: unknown };
    return typeof name === 'string' && /^(@[\w.-]+\/)?[\w.-]+$/.test(name) && exports !== undefined
      ? name
      : undefined;
  } catch {
    return undefined;
  }
}
