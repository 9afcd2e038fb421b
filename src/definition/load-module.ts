/**
 * Loading tool modules: `*.tool.js` imported natively, `*.tool.ts` compiled once in a cache
 * (ts-import.ts), so TypeScript tools need no build step. Manifests of the same call are loaded alongside.
 */
import { pathToFileURL } from 'node:url';
import { isGenesysToolsError } from '../errors.js';
import { isToolDefinition, withSource } from './define-tool.js';
import type { FileOutcome, ToolFile } from './file-outcome.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import { loadManifest } from './load-manifest.js';
import { typeScriptImporter } from './ts-import.js';

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

/** TypeScript modules are compiled first (ts-import.ts); JavaScript ones are imported as they are. */
const TYPESCRIPT_FILE = /\.[cm]?ts$/i;

/**
 * Loads the files, in order. TypeScript modules, and the TypeScript files they import, are compiled
 * once to a cache by a short-lived process and imported from there (ts-import.ts): no loader thread
 * stays in the server (tsx's cost about 35 MB of RSS on Node 20).
 */
export async function loadFiles(files: readonly ToolFile[]): Promise<FileOutcome[]> {
  const modules = files.filter((f) => f.kind === 'module');
  if (modules.length === 0) return Promise.all(files.map(loadManifest));
  const importModule = await typeScriptImporter(
    modules.filter((f) => TYPESCRIPT_FILE.test(f.path)).map((f) => f.path),
  );
  return Promise.all(
    files.map((f) => (f.kind === 'module' ? loadModule(f, importModule) : loadManifest(f))),
  );
}
