/**
 * State records of guides, agentic virtual agents, their publish jobs and seeded Architect flows
 * (issue 13; wire in BINDINGS-WIRE.md, facts in reference §6.1, §6.2, §10.4). Part of the
 * emulator's state (state.ts keeps one map per record type and persists them).
 */
import { z } from 'zod';

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** A data action named by a guide version (reference §6.1 `resources.dataActions[]`). */
export const GuideDataActionSchema = z.strictObject({
  id: z.string().min(1),
  label: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a label starts with a letter; then letters, digits, _'),
  description: z.string().optional(),
});

/** A guide variable (reference §6.1). */
export const GuideVariableSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['String', 'Integer', 'Number', 'Boolean']),
  scope: z.enum(['Input', 'Output', 'InputAndOutput']),
  description: z.string().optional(),
});

/** An AI Studio guide; its versions are kept apart, keyed by their own ids. */
export const GuideRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  source: z.enum(['Manual', 'Prompt', 'Document']),
  dateCreatedMs: z.number(),
  dateModifiedMs: z.number(),
  latestSavedVersionId: z.string().optional(),
  latestProductionReadyVersionId: z.string().optional(),
});

/** One version of a guide; `ProductionReady` versions are immutable. */
export const GuideVersionRecordSchema = z.strictObject({
  id: z.string(),
  guideId: z.string(),
  version: z.number().int().min(1),
  state: z.enum(['Draft', 'ProductionReady']),
  instruction: z.string(),
  variables: z.array(GuideVariableSchema),
  resources: z.strictObject({ dataActions: z.array(GuideDataActionSchema) }),
  dateCreatedMs: z.number(),
  dateModifiedMs: z.number(),
});

/** An agentic virtual agent (reference §6.2). */
export const AgentRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  imageUri: z.string().optional(),
  dateCreatedMs: z.number(),
  dateModifiedMs: z.number(),
  latestVersionId: z.string().optional(),
  publishedVersionId: z.string().optional(),
});

/** One version of an agent: its `definition` is kept as given (checked by agents.ts). */
export const AgentVersionRecordSchema = z.strictObject({
  id: z.string(),
  virtualAgentId: z.string(),
  version: z.number().int().min(1),
  status: z.enum(['Draft', 'ProductionReady']),
  definition: JsonObjectSchema,
  dateCreatedMs: z.number(),
  dateModifiedMs: z.number(),
});

/** An error of a failed publish job (an ErrorBody). */
export const JobErrorSchema = z.strictObject({
  message: z.string(),
  code: z.string(),
  status: z.number().int(),
  contextId: z.string(),
  details: z.array(z.strictObject({ errorCode: z.string(), entityId: z.string() })),
});

/** A publish job: what it publishes, and where it stands (it moves only when polled). */
export const PublishJobRecordSchema = z.strictObject({
  id: z.string(),
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('guide'), guideId: z.string(), versionId: z.string() }),
    z.strictObject({ kind: z.literal('agent'), virtualAgentId: z.string(), versionId: z.string() }),
  ]),
  state: z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('InProgress'), pollsLeft: z.number().int().min(0) }),
    z.strictObject({ status: z.literal('Succeeded') }),
    z.strictObject({ status: z.literal('Failed'), errors: z.array(JobErrorSchema) }),
  ]),
  dateCreatedMs: z.number(),
});

/** An Architect flow seeded for dependency tracking (emulator only). */
export const FlowRecordSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  dataActionIds: z.array(z.string()),
});

export type GuideDataAction = z.output<typeof GuideDataActionSchema>;
export type GuideRecord = z.output<typeof GuideRecordSchema>;
export type GuideVersionRecord = z.output<typeof GuideVersionRecordSchema>;
export type AgentRecord = z.output<typeof AgentRecordSchema>;
export type AgentVersionRecord = z.output<typeof AgentVersionRecordSchema>;
export type JobError = z.output<typeof JobErrorSchema>;
export type PublishJobRecord = z.output<typeof PublishJobRecordSchema>;
export type FlowRecord = z.output<typeof FlowRecordSchema>;
