/** The shapes the loading steps (discovery, manifests, modules) hand to `loadTools`. */
import type { DefinitionIssue } from './issues.js';
import type { ToolDefinition } from './types.js';

/** A problem found while loading, with the file (relative to cwd) and the tool when known. */
export interface LoadIssue extends DefinitionIssue {
  readonly file: string;
  readonly tool?: string;
  /** 1-based position in the file, for manifests. */
  readonly line?: number;
  readonly column?: number;
}

/** How a tool file is read. */
export type FileKind = 'module' | 'yaml' | 'json';

/** A tool file found under the given paths. */
export interface ToolFile {
  /** The path as found (through any symbolic links), absolute. */
  readonly path: string;
  /** `path` relative to cwd when inside it, for messages. */
  readonly display: string;
  readonly kind: FileKind;
}

/** What loading one file gave. */
export interface FileOutcome {
  readonly tool?: ToolDefinition;
  readonly issues: readonly LoadIssue[];
  /** Places a definition issue of this file's tool in the file (pointer, line, column). */
  readonly locate?: (i: DefinitionIssue) => LoadIssue;
}
