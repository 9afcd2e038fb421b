/** Finding tool files under the paths a command is given (files or directories). */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { FileKind, LoadIssue, ToolFile } from './file-outcome.js';
import { issue } from './issues.js';

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

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        return e.name.startsWith('.') || SKIPPED_DIRS.has(e.name) ? [] : walk(full);
      }
      return e.isFile() ? [full] : [];
    }),
  );
  return nested.flat();
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

async function expandPath(
  cwd: string,
  given: string,
): Promise<{ files: ToolFile[]; issues: LoadIssue[] }> {
  const path = resolve(cwd, given);
  const notFound = (message: string): { files: ToolFile[]; issues: LoadIssue[] } => ({
    files: [],
    issues: [{ ...issue('DEFINITION_NOT_FOUND', '', message), file: given }],
  });
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return notFound(`no such file or directory`);
  if (info.isFile()) {
    const kind = fileKind(path, true);
    if (kind === undefined) return notFound('not a tool file');
    return { files: [{ path, display: displayPath(cwd, path), kind }], issues: [] };
  }
  const files = (await walk(path)).sort().flatMap((p): ToolFile[] => {
    const kind = fileKind(p, false);
    return kind === undefined ? [] : [{ path: p, display: displayPath(cwd, p), kind }];
  });
  if (files.length === 0) return notFound('the directory holds no tool files');
  return { files, issues: [] };
}

/** The tool files under `paths` (relative to `cwd`), each once, and the problems finding them. */
export async function findToolFiles(
  cwd: string,
  paths: readonly string[],
): Promise<{ files: readonly ToolFile[]; issues: readonly LoadIssue[] }> {
  const expanded = await Promise.all(paths.map((p) => expandPath(cwd, p)));
  const seen = new Set<string>();
  const files = expanded
    .flatMap((e) => e.files)
    .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
  return { files, issues: expanded.flatMap((e) => e.issues) };
}
