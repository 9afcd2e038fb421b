/**
 * The emulator's state: one record type per entity, each derived from its zod schema so that a
 * persisted file is checked with the same shapes it was written with.
 */
import { z } from 'zod';
import type {
  AgentRecord,
  AgentVersionRecord,
  FlowRecord,
  GuideRecord,
  GuideVersionRecord,
  PublishJobRecord,
} from './binding-state.js';
import {
  AgentRecordSchema,
  AgentVersionRecordSchema,
  FlowRecordSchema,
  GuideRecordSchema,
  GuideVersionRecordSchema,
  PublishJobRecordSchema,
} from './binding-state.js';

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** A data action's request/response configuration (reference §7.2). */
export const ActionConfigSchema = z.strictObject({
  timeoutSeconds: z.number().int().min(1).max(60).optional(),
  request: z.strictObject({
    requestUrlTemplate: z.string().min(1),
    requestType: z.enum(['GET', 'PUT', 'POST', 'PATCH', 'DELETE']),
    headers: z.record(z.string(), z.string()).default({}),
    requestTemplate: z.string().default('${input.rawRequest}'),
  }),
  response: z
    .strictObject({
      translationMap: z.record(z.string(), z.string()).default({}),
      translationMapDefaults: z.record(z.string(), z.string()).default({}),
      successTemplate: z.string().default('${rawResult}'),
    })
    .default({ translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' }),
});

/** A data action contract (reference §7.2); its schemas are checked by contract.ts. */
export const ContractSchema = z.strictObject({
  input: z.strictObject({ inputSchema: JsonObjectSchema }),
  output: z.strictObject({
    successSchema: JsonObjectSchema,
    errorSchema: JsonObjectSchema.optional(),
  }),
});

/** The editable body of a data action (published or draft). */
export const ActionBodySchema = z.strictObject({
  name: z.string().min(1).max(256),
  category: z.string().min(1).max(256),
  secure: z.boolean(),
  contract: ContractSchema,
  /** Required to publish; a draft may lack it (draft validation reports it). */
  config: ActionConfigSchema.optional(),
  version: z.number().int().min(1),
});

/** A data action with its published form, its draft, or both. */
export const ActionRecordSchema = z.strictObject({
  id: z.string(),
  integrationId: z.string(),
  published: ActionBodySchema.optional(),
  draft: ActionBodySchema.optional(),
});

/** An integration (reference §7.0). */
export const IntegrationRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  integrationTypeId: z.string(),
  notes: z.string(),
  intendedState: z.enum(['ENABLED', 'DISABLED']),
  dateModifiedMs: z.number(),
  config: z.strictObject({
    name: z.string(),
    version: z.number().int(),
    properties: JsonObjectSchema,
    advanced: JsonObjectSchema,
    notes: z.string(),
    credentials: z.record(z.string(), z.strictObject({ id: z.string() })),
  }),
});

/** A credential with its secret fields (never returned unredacted). */
export const CredentialRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  typeName: z.enum(['basicAuth', 'userDefined', 'userDefinedOAuth', 'pureCloudOAuthClient']),
  fields: z.record(z.string(), z.string()),
});

/** A gateway tool entity (DESIGN "Gateway tools contract"). */
export const GatewayToolRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  schema: JsonObjectSchema,
  executionEndpoint: z.string(),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int().min(1),
      burstSize: z.number().int().min(1).optional(),
    })
    .optional(),
  managedBy: z.string().optional(),
  version: z.number().int().min(1),
  status: z.literal('active'),
  dateCreatedMs: z.number(),
  dateModifiedMs: z.number(),
});

/** An issued access token. */
export const TokenRecordSchema = z.strictObject({
  token: z.string(),
  clientId: z.string(),
  expiresAtMs: z.number(),
});

/** The persisted file's shape. */
export const StateFileSchema = z.strictObject({
  formatVersion: z.literal(1),
  integrations: z.array(IntegrationRecordSchema),
  credentials: z.array(CredentialRecordSchema),
  actions: z.array(ActionRecordSchema),
  gatewayTools: z.array(GatewayToolRecordSchema),
  tokens: z.array(TokenRecordSchema),
  // Absent from files written before guides and agents existed: read as empty.
  guides: z.array(GuideRecordSchema).default([]),
  guideVersions: z.array(GuideVersionRecordSchema).default([]),
  agents: z.array(AgentRecordSchema).default([]),
  agentVersions: z.array(AgentVersionRecordSchema).default([]),
  publishJobs: z.array(PublishJobRecordSchema).default([]),
  flows: z.array(FlowRecordSchema).default([]),
});

export type ActionConfig = z.output<typeof ActionConfigSchema>;
export type Contract = z.output<typeof ContractSchema>;
export type ActionBody = z.output<typeof ActionBodySchema>;
export type ActionRecord = z.output<typeof ActionRecordSchema>;
export type IntegrationRecord = z.output<typeof IntegrationRecordSchema>;
export type CredentialRecord = z.output<typeof CredentialRecordSchema>;
export type GatewayToolRecord = z.output<typeof GatewayToolRecordSchema>;
export type TokenRecord = z.output<typeof TokenRecordSchema>;

/** The live state: one map per entity, keyed by id (tokens by token). */
export interface EmulatorState {
  readonly integrations: Map<string, IntegrationRecord>;
  readonly credentials: Map<string, CredentialRecord>;
  readonly actions: Map<string, ActionRecord>;
  readonly gatewayTools: Map<string, GatewayToolRecord>;
  readonly tokens: Map<string, TokenRecord>;
  readonly guides: Map<string, GuideRecord>;
  readonly guideVersions: Map<string, GuideVersionRecord>;
  readonly agents: Map<string, AgentRecord>;
  readonly agentVersions: Map<string, AgentVersionRecord>;
  readonly publishJobs: Map<string, PublishJobRecord>;
  readonly flows: Map<string, FlowRecord>;
}

/** A fresh, empty state. */
export function emptyState(): EmulatorState {
  return {
    integrations: new Map(),
    credentials: new Map(),
    actions: new Map(),
    gatewayTools: new Map(),
    tokens: new Map(),
    guides: new Map(),
    guideVersions: new Map(),
    agents: new Map(),
    agentVersions: new Map(),
    publishJobs: new Map(),
    flows: new Map(),
  };
}

/** The state as the JSON document written to disk. */
export function serializeState(state: EmulatorState): z.input<typeof StateFileSchema> {
  return {
    formatVersion: 1,
    integrations: [...state.integrations.values()],
    credentials: [...state.credentials.values()],
    actions: [...state.actions.values()],
    gatewayTools: [...state.gatewayTools.values()],
    tokens: [...state.tokens.values()],
    guides: [...state.guides.values()],
    guideVersions: [...state.guideVersions.values()],
    agents: [...state.agents.values()],
    agentVersions: [...state.agentVersions.values()],
    publishJobs: [...state.publishJobs.values()],
    flows: [...state.flows.values()],
  };
}

/** Rebuilds the maps from a parsed state file. */
export function stateFromFile(file: z.output<typeof StateFileSchema>): EmulatorState {
  return {
    integrations: new Map(file.integrations.map((r) => [r.id, r])),
    credentials: new Map(file.credentials.map((r) => [r.id, r])),
    actions: new Map(file.actions.map((r) => [r.id, r])),
    gatewayTools: new Map(file.gatewayTools.map((r) => [r.id, r])),
    tokens: new Map(file.tokens.map((r) => [r.token, r])),
    guides: new Map(file.guides.map((r) => [r.id, r])),
    guideVersions: new Map(file.guideVersions.map((r) => [r.id, r])),
    agents: new Map(file.agents.map((r) => [r.id, r])),
    agentVersions: new Map(file.agentVersions.map((r) => [r.id, r])),
    publishJobs: new Map(file.publishJobs.map((r) => [r.id, r])),
    flows: new Map(file.flows.map((r) => [r.id, r])),
  };
}
