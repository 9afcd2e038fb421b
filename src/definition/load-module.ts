/**
 * Loading tool modules: `*.tool.js` imported natively, `*.tool.ts` through a tsx loader hook, so
 * TypeScript tools need no build step. Manifests of the same call are loaded alongside.
 */
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';
import { isGenesysToolsError } from '../errors.js';
import { isToolDefinition, withSource } from './define-tool.js';
import type { FileOutcome, ToolFile } from './file-outcome.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import { loadManifest } from './load-manifest.js';

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

/** TypeScript modules need tsx; JavaScript ones are imported by Node itself. */
const TYPESCRIPT_FILE = /\.[cm]?ts$/i;

/**
 * Loads the files, in order. When none is TypeScript, modules are imported natively: registering
 * tsx starts a loader thread that stays for the life of the process (about 35 MB of RSS on Node
 * 20, measured with `process.memoryUsage()`), which a server of compiled `.tool.js` files should
 * not carry. Otherwise one tsx namespace serves all modules of this call, so our own source (which
 * a tool module imports) is loaded once per call rather than once per module. The hook is removed
 * afterwards: a handler that lazily imports another .ts file later is not supported.
 */
export async function loadFiles(files: readonly ToolFile[]): Promise<FileOutcome[]> {
  const modules = files.filter((f) => f.kind === 'module');
  if (modules.length === 0) return Promise.all(files.map(loadManifest));
  if (!modules.some((f) => TYPESCRIPT_FILE.test(f.path))) {
    const importModule: ModuleImporter = (url) => import(url);
    return Promise.all(
      files.map((f) => (f.kind === 'module' ? loadModule(f, importModule) : loadManifest(f))),
    );
  }
  // As tsx's own tsImport does: a CommonJS hook in the same namespace, for modules outside a
  // "type": "module" package (tsx compiles those to CommonJS, and their imports become require).
  const namespace = `genesys-tools-${randomUUID()}`;
  const cjs = registerCjs({ namespace });
  const api = register({ namespace });
  const importModule: ModuleImporter = async (url) => {
    const mod: unknown = await api.import(url, import.meta.url);
    return mod;
  };
  try {
    return await Promise.all(
      files.map((f) => (f.kind === 'module' ? loadModule(f, importModule) : loadManifest(f))),
    );
  } finally {
    await api.unregister();
    cjs.unregister();
  }
}
