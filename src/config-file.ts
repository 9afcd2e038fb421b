/**
 * The config file (`genesys-tools.config.{ts,js,json,yaml,yml}`), validated once at the boundary
 * (STYLE §5): tool paths, target, category, execution URL, integration, and the guides and agents
 * that use the tools. Errors name the file, the line:column or the field, and the fix.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  AgentConfigSchema,
  GuideConfigSchema,
  toAgentConfig,
  toGuideConfig,
} from './config-bindings.js';
import type { AgentConfig, GuideConfig } from './config-bindings.js';
import { ConfigError } from './errors.js';

export const CONFIG_FILE_NAMES = [
  'genesys-tools.config.ts',
  'genesys-tools.config.js',
  'genesys-tools.config.json',
  'genesys-tools.config.yaml',
  'genesys-tools.config.yml',
] as const;

/** The config file's fields. Strict: an unknown field is an error that names it. */
export const FileConfigSchema = z.strictObject({
  /** Tool files or directories, relative to the config file. */
  tools: z.array(z.string().min(1)).min(1).optional(),
  target: z.enum(['data-actions', 'gateway']).optional(),
  /** The data action category this project manages (≤ 256 characters, reference §7.4). */
  category: z.string().min(1).max(256).optional(),
  /** Public base URL of the execution server. */
  executionUrl: z.url({ protocol: /^https?$/ }).optional(),
  integrationName: z.string().min(1).max(256).optional(),
  integrationId: z.string().min(1).optional(),
  /** AI Guides that use the tools. */
  guides: z.array(GuideConfigSchema).optional(),
  /** Agentic virtual agents that use the tools. */
  agents: z.array(AgentConfigSchema).optional(),
});

/** A loaded config file: its fields, with `tools` resolved to absolute paths. */
export interface FileConfig {
  /** Absolute path of the file the settings came from. */
  readonly file: string;
  readonly tools: readonly string[] | undefined;
  readonly target: 'data-actions' | 'gateway' | undefined;
  readonly category: string | undefined;
  readonly executionUrl: string | undefined;
  readonly integrationName: string | undefined;
  readonly integrationId: string | undefined;
  /** Guides that use the tools, in file order (empty when the file names none). */
  readonly guides: readonly GuideConfig[];
  /** Agents that use the tools, in file order. */
  readonly agents: readonly AgentConfig[];
}

function fileError(
  file: string,
  message: string,
  details: Record<string, unknown> = {},
): ConfigError {
  return new ConfigError('CONFIG_FILE_INVALID', `${file}: ${message}`, {
    details: { file, ...details },
  });
}

function lineColumnAt(text: string, offset: number): string {
  const lines = text.slice(0, Math.max(0, Math.min(offset, text.length))).split('\n');
  return `${String(lines.length)}:${String((lines.at(-1)?.length ?? 0) + 1)}`;
}

/**
 * The default export of an imported module. A module outside a `"type": "module"` package is
 * compiled to CommonJS by tsx, and its namespace's default is then `{ default: value }`.
 */
function defaultExport(mod: unknown): unknown {
  if (typeof mod !== 'object' || mod === null || !('default' in mod)) return undefined;
  const value = mod.default;
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'default')) {
    return 'default' in value ? value.default : undefined;
  }
  return value;
}

async function readConfigData(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (ext === '.ts' || ext === '.js' || ext === '.mts' || ext === '.mjs') {
    const api = registerTsx({ namespace: `genesys-tools-config-${randomUUID()}` });
    try {
      const mod: unknown = await api.import(pathToFileURL(file).href, import.meta.url);
      const settings = defaultExport(mod);
      if (settings === undefined) {
        throw fileError(file, 'the module has no default export; export default the settings');
      }
      return settings;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw fileError(file, `importing the module failed: ${why}`);
    } finally {
      await api.unregister();
    }
  }
  const text = await readFile(file, 'utf8');
  if (text.trim() === '') throw fileError(file, 'the file is empty');
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      const where = lineColumnAt(text, at?.[1] === undefined ? text.length : Number(at[1]));
      throw fileError(file, `JSON syntax error at ${where}: ${message}`);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    const reason = first.message.split('\n')[0] ?? '';
    throw fileError(file, `YAML syntax error at ${String(pos.line)}:${String(pos.col)}: ${reason}`);
  }
  return doc.toJS();
}

async function findConfigFile(cwd: string, path: string | undefined): Promise<string | undefined> {
  const exists = async (p: string): Promise<boolean> =>
    (await stat(p).catch(() => undefined))?.isFile() ?? false;
  if (path !== undefined) {
    const file = resolve(cwd, path);
    if (!(await exists(file))) throw fileError(file, 'no such file');
    return file;
  }
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    if (await exists(join(cwd, name))) found.push(join(cwd, name));
  }
  if (found.length > 1) {
    throw new ConfigError(
      'CONFIG_FILE_INVALID',
      `more than one config file in ${cwd}: ${found.map((f) => basename(f)).join(', ')}; keep one`,
      { details: { files: found } },
    );
  }
  return found[0];
}

/**
 * Loads the config file: `path` (relative to `cwd`) when given, else the first of
 * CONFIG_FILE_NAMES found in `cwd`; undefined when there is none. `.ts`/`.js` files export the
 * settings as their default export (loaded through tsx, no build step).
 * @throws ConfigError CONFIG_FILE_INVALID for a missing given path, two candidate files, a syntax
 *   error (with line:column), a module that throws, or a field that is unknown or out of range.
 */
export async function loadConfigFile(cwd: string, path?: string): Promise<FileConfig | undefined> {
  const file = await findConfigFile(cwd, path);
  if (file === undefined) return undefined;
  const data = await readConfigData(file);
  const parsed = FileConfigSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      pointer: i.path.map((p) => `/${String(p)}`).join(''),
      message:
        i.code === 'unrecognized_keys'
          ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
          : i.message,
    }));
    const text = issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ');
    throw fileError(file, text, { issues });
  }
  const c = parsed.data;
  const dir = dirname(file);
  return Object.freeze({
    file,
    tools: c.tools === undefined ? undefined : Object.freeze(c.tools.map((t) => resolve(dir, t))),
    target: c.target,
    category: c.category,
    executionUrl: c.executionUrl,
    integrationName: c.integrationName,
    integrationId: c.integrationId,
    guides: Object.freeze((c.guides ?? []).map((g) => toGuideConfig(g, dir))),
    agents: Object.freeze((c.agents ?? []).map(toAgentConfig)),
  });
}
