/**
 * The shapes of the bindings room (issue 13): what the config file wants each guide and agent to
 * hold, what they hold now, and where each tool's data action is.
 */
import type { BindingErrorCode } from '../errors.js';
import type { GuideVersionWire, VirtualAgentVersionWire } from '../genesys/index.js';

/** Where a tool's data action is, as the actions' plan sees it. */
export interface ToolRef {
  /** The action id; undefined while the action is still to be created (plan time). */
  readonly id: string | undefined;
  readonly state: 'existing' | 'new' | 'replaced';
  /** For a replace: the id of the action being replaced (still named by guides and agents). */
  readonly previousId?: string;
}

/** Tool name → its action. */
export type ToolRefs = ReadonlyMap<string, ToolRef>;

/** How the config file names a guide or agent: by id when given, else by exact name. */
export interface TargetRef {
  readonly name: string | undefined;
  readonly id: string | undefined;
}

/** One data action a guide should hold. */
export interface DesiredGuideTool {
  readonly tool: string;
  readonly label: string;
  /** The binding's description, else the tool's. */
  readonly description: string;
}

/** A guide as the config file wants it. */
export interface DesiredGuide {
  readonly kind: 'guide';
  readonly ref: TargetRef;
  /** JSON pointer of the guide in the config file (`/guides/0`). */
  readonly pointer: string;
  readonly tools: readonly DesiredGuideTool[];
  /** The instruction text when the config owns it (undefined: left as AI Studio has it). */
  readonly instruction: string | undefined;
}

/** A `DataActionHttpError` an agent tool declares: status codes and what the model should do. */
export interface DesiredAgentError {
  readonly statusCodes: readonly number[];
  readonly instruction: string;
}

/** One data action tool an agent should hold. */
export interface DesiredAgentTool {
  readonly tool: string;
  readonly description: string;
  readonly errors: readonly DesiredAgentError[];
}

/** An agent as the config file wants it. */
export interface DesiredAgent {
  readonly kind: 'agent';
  readonly ref: TargetRef;
  readonly pointer: string;
  readonly tools: readonly DesiredAgentTool[];
}

/** Every guide and agent of the config file, in file order. */
export interface DesiredBindings {
  readonly guides: readonly DesiredGuide[];
  readonly agents: readonly DesiredAgent[];
}

/** A guide as the org has it. */
export interface RemoteGuide {
  readonly kind: 'guide';
  readonly id: string;
  readonly name: string;
  /** The latest ProductionReady version; undefined when none was ever published. */
  readonly published: GuideVersionWire | undefined;
  /** The latest saved version (may equal the published one). */
  readonly latest: GuideVersionWire | undefined;
}

/** An agent as the org has it. */
export interface RemoteAgent {
  readonly kind: 'agent';
  readonly id: string;
  readonly name: string;
  readonly published: VirtualAgentVersionWire | undefined;
  readonly latest: VirtualAgentVersionWire | undefined;
}

/** The remote guides and agents, index for index with `DesiredBindings`. */
export interface RemoteBindings {
  readonly guides: readonly RemoteGuide[];
  readonly agents: readonly RemoteAgent[];
}

/** One problem of the guides/agents part of the config file (the shape `loadTools` reports). */
export interface BindingIssue {
  /** The config file, relative to cwd when under it. */
  readonly file: string;
  /** JSON pointer into the config file: `/guides/0/tools/1/label`. */
  readonly pointer: string;
  readonly code: BindingErrorCode;
  readonly message: string;
  /** How to fix it (the catalogue's fix unless more precise). */
  readonly hint: string;
  readonly severity: 'error' | 'warning';
}
