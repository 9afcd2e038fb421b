/**
 * Tool → data action (DESIGN "Tool → data action"; reference §7.2, §8): the PostActionInput a tool
 * becomes. Its comparable form and the digest it carries are in action-spec.ts.
 */
import type { JsonSchema, ToolDefinition } from '../definition/index.js';
import { SPEC_HEADER, specDigest } from './action-spec.js';
import { toDraft04 } from './draft04.js';

/** The category that marks the actions this project manages, unless configured otherwise. */
export const DEFAULT_CATEGORY = 'genesys-tools';

/** Seconds added to a tool's own timeout so that our server's timeout answer reaches Genesys. */
export const TIMEOUT_MARGIN_SECONDS = 2;

/** What the translation needs besides the tool. */
export interface DataActionSettings {
  /** Public base URL of the execution server. */
  readonly executionUrl: string;
  readonly category: string;
  /** The Web Services Data Actions integration; empty while it does not exist yet (plan). */
  readonly integrationId: string;
}

/** `PostActionInput` (reference §7.2) as this project builds it. */
export type DataActionBody = {
  readonly name: string;
  readonly category: string;
  readonly integrationId: string;
  readonly secure: false;
  readonly contract: {
    readonly input: { readonly inputSchema: Record<string, unknown> };
    readonly output: { readonly successSchema: Record<string, unknown> };
  };
  readonly config: {
    readonly timeoutSeconds: number;
    readonly request: {
      readonly requestUrlTemplate: string;
      readonly requestType: 'POST';
      readonly headers: Readonly<Record<string, string>>;
      readonly requestTemplate: string;
    };
    readonly response: {
      readonly translationMap: Readonly<Record<string, string>>;
      readonly translationMapDefaults: Readonly<Record<string, string>>;
      readonly successTemplate: string;
    };
  };
};

/** The execution endpoint of a tool: `{executionUrl}/api/v1/tools/{name}`. */
export function toolEndpoint(executionUrl: string, name: string): string {
  return `${executionUrl.replace(/\/+$/, '')}/api/v1/tools/${encodeURIComponent(name)}`;
}

/** Where a tool's registration sends calls: its own `endpoint` (manifests), else the server's. */
export function requestUrlOf(tool: ToolDefinition, executionUrl: string): string {
  return tool.endpoint ?? toolEndpoint(executionUrl, tool.name);
}

/** `timeoutMs` rounded up to seconds plus the margin, within Genesys' 1–60 (reference §7.4). */
export function timeoutSecondsFor(timeoutMs: number): number {
  const seconds = Math.ceil(timeoutMs / 1000) + TIMEOUT_MARGIN_SECONDS;
  return Math.min(60, Math.max(1, seconds));
}

function inputSchemaFor(tool: ToolDefinition): Record<string, unknown> {
  return { ...toDraft04(tool.inputSchema), description: tool.description };
}

function successSchemaFor(output: JsonSchema | undefined): Record<string, unknown> {
  return output === undefined ? { type: 'object', additionalProperties: true } : toDraft04(output);
}

/** Translates a tool into the data action that calls its execution endpoint. */
export function toDataAction(tool: ToolDefinition, settings: DataActionSettings): DataActionBody {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    // A User Defined credential field, inserted by Velocity (reference §8 "auth: User Defined").
    Authorization: 'Bearer ${credentials.token}',
  };
  const body = {
    name: tool.name,
    category: settings.category,
    integrationId: settings.integrationId,
    secure: false,
    contract: {
      input: { inputSchema: inputSchemaFor(tool) },
      output: { successSchema: successSchemaFor(tool.outputSchema) },
    },
    config: {
      timeoutSeconds: timeoutSecondsFor(tool.timeoutMs),
      request: {
        requestUrlTemplate: requestUrlOf(tool, settings.executionUrl),
        requestType: 'POST',
        headers,
        // The invocation envelope; rawRequest is the inputs as JSON (reference §8.1).
        requestTemplate: `{"tool_name": "${tool.name}", "parameters": \${input.rawRequest}}`,
      },
      response: {
        translationMap: { output: '$.output' },
        translationMapDefaults: {},
        successTemplate: '${output}',
      },
    },
  } satisfies DataActionBody;
  headers[SPEC_HEADER] = specDigest(body);
  return body;
}
