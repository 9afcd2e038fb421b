/**
 * Wire shapes of AI Guides, agentic virtual agents and dependency tracking (reference §6.1, §6.2,
 * §10.4; the exact contract this project speaks is BINDINGS-WIRE.md). Loose objects: only the
 * fields our code reads are checked, every other field is kept, so a version body can be copied
 * into the next version without losing what AI Studio added.
 */
import { z } from 'zod';
import { ErrorBodyWireSchema, entityListingSchema } from './wire.js';

const versionRef = z.looseObject({
  id: z.string(),
  version: z.string().optional(),
  status: z.string().optional(),
  selfUri: z.string().optional(),
});

/** `Guide`. */
export const GuideWireSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  latestSavedVersion: versionRef.nullable().optional(),
  latestProductionReadyVersion: versionRef.nullable().optional(),
  selfUri: z.string().optional(),
});
/** A guide as Genesys answers it. */
export type GuideWire = z.output<typeof GuideWireSchema>;
/** `GuideEntityListing`. */
export const GuideListingWireSchema = entityListingSchema(GuideWireSchema);

/** One data action of a guide version: `{{Action.<label>}}` in the instruction calls it. */
export const GuideDataActionWireSchema = z.looseObject({
  id: z.string(),
  label: z.string(),
  description: z.string().optional(),
});
/** A data action entry of a guide version. */
export type GuideDataActionWire = z.output<typeof GuideDataActionWireSchema>;

/** `GuideVersion`. */
export const GuideVersionWireSchema = z.looseObject({
  id: z.string(),
  version: z.string().optional(),
  state: z.string().optional(),
  instruction: z.string().optional(),
  variables: z.array(z.unknown()).optional(),
  resources: z
    .looseObject({ dataActions: z.array(GuideDataActionWireSchema).optional() })
    .optional(),
  selfUri: z.string().optional(),
});
/** A guide version as Genesys answers it. */
export type GuideVersionWire = z.output<typeof GuideVersionWireSchema>;

/** Body of `POST .../versions` and `PATCH .../versions/{id}` (`UpdateGuideVersion`). */
export interface UpdateGuideVersionWire {
  readonly instruction?: string;
  readonly variables?: readonly unknown[];
  readonly resources?: {
    readonly dataActions?: readonly {
      readonly id: string;
      readonly label: string;
      readonly description?: string | undefined;
    }[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A publish job of a guide or agent version. */
export const PublishJobWireSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  errors: z.array(ErrorBodyWireSchema).nullable().optional(),
});
/** A publish job as Genesys answers it. */
export type PublishJobWire = z.output<typeof PublishJobWireSchema>;

/** `VirtualAgent` (agentic). */
export const VirtualAgentWireSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  latestVersion: versionRef.nullable().optional(),
  publishedVersion: versionRef.nullable().optional(),
  selfUri: z.string().optional(),
});
/** An agentic virtual agent as Genesys answers it. */
export type VirtualAgentWire = z.output<typeof VirtualAgentWireSchema>;
/** Listing of agentic virtual agents. */
export const VirtualAgentListingWireSchema = entityListingSchema(VirtualAgentWireSchema);

/** A tool of an agent definition; only `DataAction` ones are read, others are kept as given. */
export const AgentToolWireSchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  target: z.looseObject({ id: z.string().optional() }).optional(),
  errors: z
    .array(z.looseObject({ type: z.string(), instruction: z.string().optional() }))
    .optional(),
});
/** A tool of an agent definition. */
export type AgentToolWire = z.output<typeof AgentToolWireSchema>;

/** A type of an agent definition (`DataActionHttpError` maps status codes to an instruction). */
export const AgentTypeWireSchema = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  statusCodes: z.array(z.number()).optional(),
  defaultInstruction: z.string().optional(),
});
/** A type of an agent definition. */
export type AgentTypeWire = z.output<typeof AgentTypeWireSchema>;

/** `definition` of an agent version (reference §6.2); other keys kept as given. */
export const AgentDefinitionWireSchema = z.looseObject({
  tools: z.array(AgentToolWireSchema).optional(),
  types: z.array(AgentTypeWireSchema).optional(),
});
/** An agent definition. */
export type AgentDefinitionWire = z.output<typeof AgentDefinitionWireSchema>;

/** `VirtualAgentVersion`. */
export const VirtualAgentVersionWireSchema = z.looseObject({
  id: z.string(),
  version: z.string().optional(),
  status: z.string().optional(),
  definition: AgentDefinitionWireSchema.nullable().optional(),
  selfUri: z.string().optional(),
});
/** An agent version as Genesys answers it. */
export type VirtualAgentVersionWire = z.output<typeof VirtualAgentVersionWireSchema>;

/** An entry of `dependencytracking/consumingresources`: a guide or agent version, or a flow. */
export const ConsumingResourceWireSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  type: z.string(),
  version: z.string().optional(),
  selfUri: z.string().optional(),
});
/** Something that uses an object, per dependency tracking. */
export type ConsumingResourceWire = z.output<typeof ConsumingResourceWireSchema>;
/** Listing of consuming resources. */
export const ConsumingResourceListingWireSchema = entityListingSchema(ConsumingResourceWireSchema);
