/** Loading one YAML/JSON manifest file into a ToolDefinition, issues placed in the file. */
import { readFile } from 'node:fs/promises';
import { buildTool } from './define-tool.js';
import type { FileOutcome, LoadIssue, ToolFile } from './file-outcome.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import type { FilePosition, ManifestParse } from './manifest.js';
import { codeOnlyFields, parseJsonManifest, parseYamlManifest, toFilePointer } from './manifest.js';

function parseManifest(file: ToolFile, text: string): ManifestParse {
  return file.kind === 'yaml' ? parseYamlManifest(text) : parseJsonManifest(text);
}

/** Parses; a throw (a stack overflow on absurd nesting) is this file's parse error, not the load's. */
function parseSafely(file: ToolFile, text: string): ManifestParse {
  try {
    return parseManifest(file, text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issue: issue('DEFINITION_PARSE_ERROR', '', `the manifest cannot be turned into data: ${why}`),
    };
  }
}

function positioned(position: FilePosition | undefined): { line?: number; column?: number } {
  return position === undefined ? {} : { line: position.line, column: position.column };
}

/** Reads, parses and builds one manifest; never throws for a bad file. */
export async function loadManifest(file: ToolFile): Promise<FileOutcome> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      issues: [{ ...issue('DEFINITION_NOT_FOUND', '', `cannot read: ${why}`), file: file.display }],
    };
  }
  const parsed = parseSafely(file, text);
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
