/**
 * Tool → gateway tool (DESIGN "Gateway tools contract"; a project-specific API, not Genesys Cloud).
 */
import type { ToolDefinition } from '../definition/index.js';
import { normaliseJson, normaliseObject } from './comparable.js';
import type { ComparableSpec } from './registry.js';
import { requestUrlOf } from './to-data-action.js';
import { isRecord } from '../is-record.js';

/** The marker value of `managedBy` on the gateway tools this project manages. */
export const GATEWAY_MARKER = 'genesys-tools';

/** What the translation needs besides the tool. */
export interface GatewaySettings {
  readonly executionUrl: string;
  /** Value of `managedBy`; `genesys-tools` by default. */
  readonly marker: string;
}

/** The gateway tool payload as this project builds it. */
export type GatewayToolBody = {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly executionEndpoint: string;
  readonly rateLimit: { readonly requestsPerMinute: number; readonly burstSize: number };
  readonly managedBy: string;
};

/** Translates a tool into the gateway's tool payload, carrying the ownership marker. */
export function toGatewayTool(tool: ToolDefinition, settings: GatewaySettings): GatewayToolBody {
  return {
    name: tool.name,
    description: tool.description,
    schema: tool.inputSchema,
    executionEndpoint: requestUrlOf(tool, settings.executionUrl),
    rateLimit: {
      requestsPerMinute: tool.rateLimit.requestsPerMinute,
      burstSize: tool.rateLimit.burstSize,
    },
    managedBy: settings.marker,
  };
}

/** The comparable form of a gateway tool, desired or as the gateway answers it. */
export function comparableGatewayTool(tool: unknown): ComparableSpec {
  const t = isRecord(tool) ? tool : {};
  return {
    fixed: {},
    mutable: normaliseObject({
      description: t.description ?? '',
      schema: normaliseJson(t.schema ?? {}),
      executionEndpoint: t.executionEndpoint ?? '',
      rateLimit: t.rateLimit ?? null,
      managedBy: t.managedBy ?? null,
    }),
  };
}
