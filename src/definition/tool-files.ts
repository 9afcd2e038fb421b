/** Finding tool files under the paths a command is given (files or directories). */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { FileKind, LoadIssue, ToolFile } from './file-outcome.js';
import { issue, warning } from './issues.js';

const MODULE_FILE = /\.tool\.(?:ts|mts|js|mjs)$/;
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'coverage']);
// Files a directory walk leaves alone although they end in .json/.yaml: project files, not tools.
const NOT_TOOLS =
  /^(?:\..*|package(?:-lock)?\.json|tsconfig(?:\..+)?\.json|jsconfig\.json|pnpm-(?:lock|workspace)\.yaml|genesys-tools\.config\..+)$/;

/** The kind of a tool file by its name; undefined for files that are not tools. */
export function fileKind(path: string, explicit: boolean): FileKind | undefined {
  const ext = extname(path).toLowerCase();
  if (!explicit && NOT_TOOLS.test(basename(path))) return undefined;
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  if (MODULE_FILE.test(path)) return 'module';
  // A file named on the command line may be any module.
  if (explicit && ['.ts', '.mts', '.js', '.mjs'].includes(ext)) return 'module';
  return undefined;
}

/** What a directory walk found: files (as reached, with their real path) and what it left. */
interface Walked {
  readonly files: { readonly path: string; readonly real: string }[];
  readonly issues: LoadIssue[];
}

/** Walk state: the real paths of directories already read, so a symlink loop ends. */
interface WalkState {
  readonly cwd: string;
  readonly dirs: Set<string>;
  readonly found: Walked;
}

function skipped(state: WalkState, path: string, why: string, severity: 'error' | 'warning'): void {
  const found =
    severity === 'error'
      ? issue('DEFINITION_NOT_FOUND', '', `not loaded: ${why}`)
      : warning('DEFINITION_FILE_SKIPPED', '', `not loaded: ${why}`);
  state.found.issues.push({ ...found, file: displayPath(state.cwd, path) });
}

/**
 * Walks a directory, following symbolic links to files and directories: a Kubernetes ConfigMap
 * mount is all links (`file -> ..data/file`, `..data -> ..2026_12_02`). Hidden entries (the
 * `..data` side of such a mount) and SKIPPED_DIRS are left alone. Each directory is read once by
 * its real path (loop protection). Sequential, so which link reaches a directory first is the
 * name order, and the result is the same on every run.
 */
async function walk(dir: string, state: WalkState): Promise<void> {
  const real = await realpath(dir);
  if (state.dirs.has(real)) {
    skipped(state, dir, `a symbolic link to a directory already read (${real})`, 'warning');
    return;
  }
  state.dirs.add(real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    skipped(state, dir, `the directory cannot be read: ${reason(error)}`, 'warning');
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
    await visit(join(dir, e.name), e, state);
  }
}

async function visit(full: string, e: Dirent, state: WalkState): Promise<void> {
  if (e.isDirectory()) return walk(full, state);
  if (e.isFile()) {
    await found(full, state);
    return;
  }
  if (!e.isSymbolicLink()) {
    if (fileKind(full, false) !== undefined) skipped(state, full, 'not a regular file', 'warning');
    return;
  }
  let target: Stats;
  try {
    target = await stat(full);
  } catch (error) {
    // A broken link named like a tool file is a tool lost: an error, so plan stops rather than
    // plan a delete. Other broken links are only reported.
    const severity = fileKind(full, false) === undefined ? 'warning' : 'error';
    skipped(state, full, `a broken symbolic link (${reason(error)})`, severity);
    return;
  }
  if (target.isDirectory()) return walk(full, state);
  if (target.isFile()) {
    await found(full, state);
    return;
  }
  if (fileKind(full, false) !== undefined) {
    skipped(state, full, 'a symbolic link to something that is not a file', 'warning');
  }
}

async function found(path: string, state: WalkState): Promise<void> {
  if (fileKind(path, false) === undefined) return;
  state.found.files.push({ path, real: await realpath(path) });
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code === 'ENOENT' ? 'its target does not exist' : error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

interface Expanded {
  readonly files: (ToolFile & { readonly real: string })[];
  readonly issues: LoadIssue[];
}

async function expandPath(cwd: string, given: string): Promise<Expanded> {
  const path = resolve(cwd, given);
  const notFound = (message: string, extra: LoadIssue[] = []): Expanded => ({
    files: [],
    issues: [...extra, { ...issue('DEFINITION_NOT_FOUND', '', message), file: given }],
  });
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return notFound(`no such file or directory`);
  if (info.isFile()) {
    const kind = fileKind(path, true);
    if (kind === undefined) return notFound('not a tool file');
    const real = await realpath(path);
    return { files: [{ path, real, display: displayPath(cwd, path), kind }], issues: [] };
  }
  const state: WalkState = { cwd, dirs: new Set(), found: { files: [], issues: [] } };
  await walk(path, state);
  // Path order, as before links were followed (a.yaml before a/b.yaml).
  const sorted = [...state.found.files].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const files = sorted.flatMap((f) => {
    const kind = fileKind(f.path, false);
    return kind === undefined ? [] : [{ ...f, display: displayPath(cwd, f.path), kind }];
  });
  if (files.length === 0) return notFound('the directory holds no tool files', state.found.issues);
  return { files, issues: state.found.issues };
}

/** The tool files under `paths` (relative to `cwd`), each once, and the problems finding them. */
export async function findToolFiles(
  cwd: string,
  paths: readonly string[],
): Promise<{ files: readonly ToolFile[]; issues: readonly LoadIssue[] }> {
  const expanded = await Promise.all(paths.map((p) => expandPath(cwd, p)));
  const issues = expanded.flatMap((e) => e.issues);
  // One file reached twice (named twice, or through a link) is loaded once: twice would be a
  // duplicate tool name. A second path to it through a link is reported.
  const byReal = new Map<string, ToolFile>();
  const files: ToolFile[] = [];
  for (const { real, ...file } of expanded.flatMap((e) => e.files)) {
    const first = byReal.get(real);
    if (first === undefined) {
      byReal.set(real, file);
      files.push(file);
    } else if (first.path !== file.path) {
      const message = `not loaded: the same file as ${first.display} (through a symbolic link); loaded once`;
      issues.push({ ...warning('DEFINITION_FILE_SKIPPED', '', message), file: file.display });
    }
  }
  return { files, issues };
}
