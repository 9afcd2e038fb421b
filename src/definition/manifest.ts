/**
 * YAML and JSON manifests (DESIGN "Manifest"): one tool per file, no handler. Parsing keeps the
 * YAML document so issues can name the line and column of the bad field.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import { isPlainObject } from './to-json-schema.js';

/** A position in a file, 1-based. */
export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed manifest: its data and a way to find where a pointer sits in the text. */
export interface ParsedManifest {
  readonly data: Readonly<Record<string, unknown>>;
  /** Line and column of the value at a file pointer (or its nearest ancestor). */
  readonly positionOf: (pointer: string) => FilePosition | undefined;
}

/** The outcome of parsing a manifest's text. */
export type ManifestParse =
  | { readonly ok: true; readonly manifest: ParsedManifest }
  | {
      readonly ok: false;
      readonly issue: DefinitionIssue;
      readonly position?: FilePosition;
    };

/**
 * How many alias expansions a YAML manifest may make (the yaml library's default, stated here): a
 * manifest needs few, and an alias bomb makes billions.
 */
const MAX_ALIAS_COUNT = 100;

/** Fields a manifest may not have although `defineTool` accepts them. */
const CODE_ONLY_FIELDS = ['handler', 'source'] as const;

function lineColumn(text: string, offset: number): FilePosition {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Finds the position of a pointer's value; the YAML document (JSON is YAML) is parsed only when a
 * position is first asked for, since valid files never need one.
 */
function positionFinder(text: string): (pointer: string) => FilePosition | undefined {
  let parsed: { doc: ReturnType<typeof parseDocument>; lineCounter: LineCounter } | undefined;
  return (pointer) => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter();
      parsed = { doc: parseDocument(text, { lineCounter }), lineCounter };
    }
    const { doc, lineCounter } = parsed;
    const path = parsePointer(pointer);
    for (let n = path.length; n >= 0; n -= 1) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (typeof node === 'object' && node !== null && 'range' in node) {
        const range = node.range;
        if (Array.isArray(range) && typeof range[0] === 'number') {
          const pos = lineCounter.linePos(range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
    }
    return undefined;
  };
}

function emptyIssue(): ManifestParse {
  return { ok: false, issue: issue('DEFINITION_EMPTY_FILE', '', 'the file is empty') };
}

function asManifest(data: unknown, text: string): ManifestParse {
  if (data === null || data === undefined) return emptyIssue();
  if (!isPlainObject(data)) {
    return {
      ok: false,
      issue: issue(
        'DEFINITION_INVALID',
        '',
        'a manifest must be a mapping of tool fields',
        'start with "name:", "description:" and "parameters:"',
      ),
    };
  }
  return { ok: true, manifest: { data, positionOf: positionFinder(text) } };
}

/** Parses a YAML manifest; syntax errors carry their line and column. */
export function parseYamlManifest(text: string): ManifestParse {
  if (text.trim() === '') return emptyIssue();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    return {
      ok: false,
      issue: issue(
        'DEFINITION_PARSE_ERROR',
        '',
        `YAML syntax error at line ${pos.line}, column ${pos.col}: ${first.message.split('\n')[0] ?? ''}`,
      ),
      position: { line: pos.line, column: pos.col },
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias bomb ("billion laughs") or a document that is not plain data: this file's
    // problem, reported against it, never an abort of the whole load.
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issue: issue(
        'DEFINITION_PARSE_ERROR',
        '',
        `the YAML cannot be turned into data: ${why}`,
        `write the manifest as plain data; aliases may be expanded at most ${String(MAX_ALIAS_COUNT)} times`,
      ),
    };
  }
  return asManifest(data, text);
}

/** Parses a JSON manifest; syntax errors carry their line and column. */
export function parseJsonManifest(text: string): ManifestParse {
  if (text.trim() === '') return emptyIssue();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const position = lineColumn(text, at?.[1] === undefined ? text.length : Number(at[1]));
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '');
    return {
      ok: false,
      issue: issue(
        'DEFINITION_PARSE_ERROR',
        '',
        `JSON syntax error at line ${position.line}, column ${position.column}: ${reason}`,
      ),
      position,
    };
  }
  return asManifest(data, text);
}

/**
 * Issues for fields a manifest cannot have (a handler is code), and the data without them, so
 * the rest is still checked.
 */
export function codeOnlyFields(data: Readonly<Record<string, unknown>>): {
  readonly data: Readonly<Record<string, unknown>>;
  readonly issues: readonly DefinitionIssue[];
} {
  const present = CODE_ONLY_FIELDS.filter((k) => k in data);
  return {
    data: Object.fromEntries(
      Object.entries(data).filter(([k]) => !(CODE_ONLY_FIELDS as readonly string[]).includes(k)),
    ),
    issues: present.map((k) =>
      issue(
        'DEFINITION_UNKNOWN_FIELD',
        `/${k}`,
        `unknown field "${k}": manifests have no ${k}`,
        'write the tool as a .tool.ts module to give it a handler',
      ),
    ),
  };
}

/**
 * Maps a definition pointer to where the value sits in a manifest written with the parameter
 * map: `/input/properties/sku/type` is `/parameters/sku/type` in the file.
 */
export function toFilePointer(pointer: string, usesParameterMap: boolean): string {
  if (!usesParameterMap) return pointer;
  if (pointer === '/input/properties' || pointer === '/input') return '/parameters';
  if (pointer.startsWith('/input/properties/')) {
    return `/parameters/${pointer.slice('/input/properties/'.length)}`;
  }
  return pointer;
}
