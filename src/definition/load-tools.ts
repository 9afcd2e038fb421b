/**
 * `loadTools()`: tool files from paths (files or directories) into ToolDefinitions, with every
 * problem reported against its file. Modules: `*.tool.ts` compiled in a cache, `*.tool.js` natively,
 * so TypeScript tools need no build step; YAML/JSON manifests are parsed strictly.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DefinitionError, isGenesysToolsError } from '../errors.js';
import { buildTool, isToolDefinition, withSource } from './define-tool.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import type { FilePosition, ManifestParse } from './manifest.js';
import { codeOnlyFields, parseJsonManifest, parseYamlManifest, toFilePointer } from './manifest.js';
import { hasErrors, profileIssues } from './target-profiles.js';
import { typeScriptImporter } from './ts-import.js';
import type { TargetName, ToolDefinition } from './types.js';

/** A problem found while loading, with the file (relative to cwd) and the tool when known. */
export interface LoadIssue extends DefinitionIssue {
  readonly file: string;
  readonly tool?: string;
  /** 1-based position in the file, for manifests. */
  readonly line?: number;
  readonly column?: number;
}

/** What `loadTools` returns: the tools without errors (warnings allowed), and every issue. */
export interface LoadResult {
  readonly tools: readonly ToolDefinition[];
  readonly issues: readonly LoadIssue[];
}

const LoadOptionsSchema = z.strictObject({
  cwd: z.string().min(1),
  target: z.enum(['data-actions', 'gateway']).optional(),
});

/** Options of `loadTools`. */
export type LoadOptions = z.input<typeof LoadOptionsSchema>;

type FileKind = 'module' | 'yaml' | 'json';

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

interface ToolFile {
  readonly path: string;
  readonly display: string;
  readonly kind: FileKind;
}

interface FileOutcome {
  readonly tool?: ToolDefinition;
  readonly issues: readonly LoadIssue[];
  /** Places a definition issue of this file's tool in the file (pointer, line, column). */
  readonly locate?: (i: DefinitionIssue) => LoadIssue;
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

function issuesFromError(error: unknown): readonly DefinitionIssue[] | undefined {
  if (!isGenesysToolsError(error)) return undefined;
  const listed = error.details?.['issues'];
  return Array.isArray(listed) ? listed.filter(isDefinitionIssue) : undefined;
}

function isDefinitionIssue(value: unknown): value is DefinitionIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'pointer' in value &&
    'message' in value &&
    'hint' in value &&
    'severity' in value
  );
}

function toolNameOf(error: unknown): string | undefined {
  if (!isGenesysToolsError(error)) return undefined;
  const tool = error.details?.['tool'];
  return typeof tool === 'string' ? tool : undefined;
}

/**
 * The module's default export. A CommonJS module that sets `exports.default` (TypeScript compiled
 * to CommonJS) arrives through `import()` as `{ default: { default: value } }`: unwrapped once.
 */
function defaultExport(mod: unknown): unknown {
  const outer =
    typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
  if (isToolDefinition(outer)) return outer;
  const inner =
    typeof outer === 'object' && outer !== null && 'default' in outer ? outer.default : undefined;
  return isToolDefinition(inner) ? inner : outer;
}

/** Imports a module: natively, or (TypeScript too) through a tsx loader hook. */
type ModuleImporter = (url: string) => Promise<unknown>;

async function loadModule(file: ToolFile, importModule: ModuleImporter): Promise<FileOutcome> {
  let mod: unknown;
  try {
    mod = await importModule(pathToFileURL(file.path).href);
  } catch (error) {
    const fromDefinition = issuesFromError(error);
    if (fromDefinition !== undefined) {
      const tool = toolNameOf(error);
      return {
        issues: fromDefinition.map((i) => ({
          ...i,
          file: file.display,
          ...(tool === undefined ? {} : { tool }),
        })),
      };
    }
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      issues: [
        {
          ...issue('DEFINITION_IMPORT_FAILED', '', `importing the module failed: ${why}`),
          file: file.display,
        },
      ],
    };
  }
  const exported = defaultExport(mod);
  if (!isToolDefinition(exported)) {
    const message =
      exported === undefined
        ? 'the module has no default export'
        : 'the default export was not made with defineTool()';
    return {
      issues: [{ ...issue('DEFINITION_NO_DEFAULT_EXPORT', '', message), file: file.display }],
    };
  }
  return { tool: withSource(exported, file.path), issues: [] };
}

function parseManifest(file: ToolFile, text: string): ManifestParse {
  return file.kind === 'yaml' ? parseYamlManifest(text) : parseJsonManifest(text);
}

function positioned(position: FilePosition | undefined): { line?: number; column?: number } {
  return position === undefined ? {} : { line: position.line, column: position.column };
}

async function loadManifest(file: ToolFile): Promise<FileOutcome> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      issues: [{ ...issue('DEFINITION_NOT_FOUND', '', `cannot read: ${why}`), file: file.display }],
    };
  }
  const parsed = parseManifest(file, text);
  if (!parsed.ok) {
    return { issues: [{ ...parsed.issue, file: file.display, ...positioned(parsed.position) }] };
  }
  const { data: raw, positionOf } = parsed.manifest;
  const { data, issues: codeOnly } = codeOnlyFields(raw);
  const name = typeof raw['name'] === 'string' ? raw['name'] : undefined;
  const usesMap = 'parameters' in raw;
  const locate = (i: DefinitionIssue): LoadIssue => {
    const pointer = toFilePointer(i.pointer, usesMap);
    return {
      ...i,
      pointer,
      file: file.display,
      ...(name === undefined ? {} : { tool: name }),
      ...positioned(positionOf(pointer)),
    };
  };
  const built = buildTool({ ...data, source: file.path });
  const issues = [...codeOnly, ...(built.ok ? [] : built.issues)].map(locate);
  return built.ok && issues.length === 0 ? { tool: built.tool, issues, locate } : { issues };
}

/** TypeScript modules are compiled first (ts-import.ts); JavaScript ones are imported as they are. */
const TYPESCRIPT_FILE = /\.[cm]?ts$/i;

/**
 * Loads the files. TypeScript modules, and the TypeScript files they import, are compiled once to a
 * cache by a short-lived process and imported from there (ts-import.ts): no loader thread stays in
 * the server (tsx's cost about 35 MB of RSS on Node 20).
 */
async function loadFiles(files: readonly ToolFile[]): Promise<FileOutcome[]> {
  const modules = files.filter((f) => f.kind === 'module');
  if (modules.length === 0) return Promise.all(files.map(loadManifest));
  if (!modules.some((f) => TYPESCRIPT_FILE.test(f.path))) {
    const importModule: ModuleImporter = (url) => import(url);
    return Promise.all(
      files.map((f) => (f.kind === 'module' ? loadModule(f, importModule) : loadManifest(f))),
    );
  }
  const importModule = await typeScriptImporter(
    modules.filter((f) => TYPESCRIPT_FILE.test(f.path)).map((f) => f.path),
  );
  return Promise.all(
    files.map((f) => (f.kind === 'module' ? loadModule(f, importModule) : loadManifest(f))),
  );
}

function targetIssues(
  tool: ToolDefinition,
  outcome: FileOutcome,
  file: ToolFile,
  target: TargetName,
): readonly LoadIssue[] {
  const locate =
    outcome.locate ?? ((i: DefinitionIssue): LoadIssue => ({ ...i, file: file.display }));
  return profileIssues(tool, target).map((i) => ({ ...locate(i), tool: tool.name }));
}

/**
 * Loads tools from files and directories (relative to `cwd`): `*.tool.ts`/`*.tool.js` modules
 * (default export from `defineTool`), and `*.yaml`/`*.yml`/`*.json` manifests. With a `target`,
 * each tool is also checked against that target's profile. Never throws for a bad tool file:
 * every problem is an issue naming its file (and pointer, and line:column in manifests); a tool
 * with errors is left out of `tools`. Duplicate names across files are an error naming both.
 * @throws DefinitionError DEFINITION_INVALID when the options are malformed.
 */
export async function loadTools(
  paths: readonly string[],
  options: LoadOptions,
): Promise<LoadResult> {
  const { cwd, target } = parseLoadOptions(options);
  const expanded = await Promise.all(paths.map((p) => expandPath(cwd, p)));
  const issues: LoadIssue[] = expanded.flatMap((e) => e.issues);
  const seen = new Set<string>();
  const files = expanded
    .flatMap((e) => e.files)
    .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
  const outcomes = await loadFiles(files);
  const tools: ToolDefinition[] = [];
  const owners = new Map<string, ToolFile>();
  outcomes.forEach((outcome, index) => {
    const file = files[index];
    if (file === undefined) return;
    issues.push(...outcome.issues);
    const tool = outcome.tool;
    if (tool === undefined) return;
    const owner = owners.get(tool.name);
    if (owner !== undefined) {
      issues.push({
        ...issue(
          'DEFINITION_DUPLICATE_NAME',
          '/name',
          `tool "${tool.name}" is defined in both ${owner.display} and ${file.display}`,
        ),
        file: file.display,
        tool: tool.name,
      });
      return;
    }
    owners.set(tool.name, file);
    const profile = target === undefined ? [] : targetIssues(tool, outcome, file, target);
    issues.push(...profile);
    if (!hasErrors(profile)) tools.push(tool);
  });
  return { tools, issues };
}

function parseLoadOptions(options: LoadOptions): z.output<typeof LoadOptionsSchema> {
  const parsed = LoadOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new DefinitionError('DEFINITION_INVALID', `loadTools options: ${problems.join('; ')}`);
}
