/**
 * Wire shapes of the Genesys Cloud API (reference §4, §5, §7) and of the gateway tools contract
 * (DESIGN "Gateway tools contract"), spelled as on the wire (STYLE §11). Response shapes are zod
 * schemas that check only what our code relies on and keep every other field (`looseObject`), so
 * a new Genesys field never breaks a read.
 */
import { z } from 'zod';

/** A JSON Schema document as Genesys stores it in a contract. */
export type JsonSchemaWire = Readonly<Record<string, unknown>>;

const jsonSchema = z.record(z.string(), z.unknown());

/** `ErrorBody` (reference §4); every field optional. */
export const ErrorBodyWireSchema = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
  entityId: z.string().optional(),
  entityName: z.string().optional(),
  messageWithParams: z.string().optional(),
  messageParams: z.record(z.string(), z.unknown()).optional(),
  contextId: z.string().optional(),
  details: z
    .array(
      z.looseObject({
        errorCode: z.string().optional(),
        fieldName: z.string().optional(),
        entityId: z.string().optional(),
        entityName: z.string().optional(),
      }),
    )
    .optional(),
  errors: z.array(z.unknown()).optional(),
  limit: z.unknown().optional(),
  // The token endpoint answers OAuth-style errors instead (reference §1).
  error: z.string().optional(),
  error_description: z.string().optional(),
});
/** Genesys' error body, or the token endpoint's OAuth error. */
export type ErrorBodyWire = z.output<typeof ErrorBodyWireSchema>;

/** The token endpoint's success answer (reference §1). */
export const TokenResponseWireSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});
/** A token answer. */
export type TokenResponseWire = z.output<typeof TokenResponseWireSchema>;

const pageFields = {
  pageSize: z.number().optional(),
  pageNumber: z.number().optional(),
  total: z.number().optional(),
  pageCount: z.number().optional(),
  firstUri: z.string().nullable().optional(),
  selfUri: z.string().nullable().optional(),
  previousUri: z.string().nullable().optional(),
  nextUri: z.string().nullable().optional(),
  lastUri: z.string().nullable().optional(),
};

/** A page-number listing (`*EntityListing`, reference §5) of entities of `entity`. */
export function entityListingSchema<T extends z.ZodType>(entity: T) {
  return z.looseObject({ entities: z.array(entity).optional(), ...pageFields });
}

/** A page of a page-number listing, as the paginator reads it. */
export interface PageWire<T> {
  readonly entities?: readonly T[] | undefined;
  readonly pageSize?: number | undefined;
  readonly pageNumber?: number | undefined;
  readonly total?: number | undefined;
  readonly pageCount?: number | undefined;
  readonly nextUri?: string | null | undefined;
}

/** `Integration` (reference §7.0). */
export const IntegrationWireSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  integrationType: z.looseObject({ id: z.string() }).optional(),
  notes: z.string().optional(),
  intendedState: z.string().optional(),
  reportedState: z.looseObject({ code: z.string().optional() }).optional(),
  selfUri: z.string().optional(),
});
/** An integration as Genesys answers it. */
export type IntegrationWire = z.output<typeof IntegrationWireSchema>;

/** The integration's `config/current` (reference §7.0); PUT needs the current `version`. */
export const IntegrationConfigWireSchema = z.looseObject({
  name: z.string().optional(),
  version: z.number(),
  properties: z.record(z.string(), z.unknown()).optional(),
  advanced: z.record(z.string(), z.unknown()).optional(),
  notes: z.string().optional(),
  credentials: z.record(z.string(), z.looseObject({ id: z.string() })).optional(),
});
/** An integration's current config. */
export type IntegrationConfigWire = z.output<typeof IntegrationConfigWireSchema>;

/** Body of `PUT .../config/current`. */
export interface IntegrationConfigInputWire {
  readonly name: string;
  readonly version: number;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly advanced?: Readonly<Record<string, unknown>>;
  readonly notes?: string;
  /** For `custom-rest-actions` the key is always `basicAuth`, whatever the credential's type. */
  readonly credentials?: Readonly<Record<string, { readonly id: string }>>;
}

/** Credential types (reference §7.0). */
export type CredentialTypeName =
  'basicAuth' | 'userDefined' | 'userDefinedOAuth' | 'pureCloudOAuthClient';

/** Body of `POST`/`PUT /api/v2/integrations/credentials`. */
export interface CredentialInputWire {
  readonly name: string;
  readonly type: { readonly name: CredentialTypeName };
  readonly credentialFields: Readonly<Record<string, string>>;
}

/** A credential as Genesys answers it; sensitive fields come back redacted or not at all. */
export const CredentialWireSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  type: z.looseObject({ name: z.string() }).optional(),
  selfUri: z.string().optional(),
});
/** A credential as Genesys answers it. */
export type CredentialWire = z.output<typeof CredentialWireSchema>;

/** HTTP methods a data action request may use. */
export type RequestTypeWire = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** `config` of a data action (reference §7.2). */
export interface ActionConfigWire {
  readonly timeoutSeconds?: number | undefined;
  readonly request: {
    readonly requestUrlTemplate: string;
    readonly requestType: RequestTypeWire;
    readonly headers?: Readonly<Record<string, string>> | undefined;
    readonly requestTemplate?: string | undefined;
  };
  readonly response: {
    readonly translationMap?: Readonly<Record<string, string>> | undefined;
    readonly translationMapDefaults?: Readonly<Record<string, string>> | undefined;
    readonly successTemplate?: string | undefined;
  };
}

/** `contract` of a data action (reference §7.2, §7.3). */
export interface ActionContractWire {
  readonly input: { readonly inputSchema: JsonSchemaWire };
  readonly output: { readonly successSchema: JsonSchemaWire };
}

/** Body of `POST /api/v2/integrations/actions` and `.../drafts` (`PostActionInput`). */
export interface PostActionInputWire {
  readonly name: string;
  readonly category: string;
  readonly integrationId: string;
  readonly secure?: boolean | undefined;
  readonly contract: ActionContractWire;
  readonly config?: ActionConfigWire | undefined;
}

/** Body of `PATCH .../actions/{id}`: no contract change after publish (reference §7.1). */
export interface PatchActionInputWire {
  readonly version: number;
  readonly name?: string | undefined;
  readonly category?: string | undefined;
  readonly config?: ActionConfigWire | undefined;
}

/** `Action` as Genesys answers it (reference §7.2). */
export const ActionWireSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  category: z.string().optional(),
  integrationId: z.string().optional(),
  version: z.number().optional(),
  secure: z.boolean().optional(),
  contract: z
    .looseObject({
      input: z.looseObject({ inputSchema: jsonSchema.optional() }).optional(),
      output: z.looseObject({ successSchema: jsonSchema.optional() }).optional(),
    })
    .optional(),
  config: z
    .looseObject({
      timeoutSeconds: z.number().optional(),
      request: z.record(z.string(), z.unknown()).optional(),
      response: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  selfUri: z.string().optional(),
});
/** A data action as Genesys answers it. */
export type ActionWire = z.output<typeof ActionWireSchema>;

/** `ActionEntityListing`. */
export const ActionEntityListingWireSchema = entityListingSchema(ActionWireSchema);
/** One page of data actions. */
export type ActionEntityListingWire = z.output<typeof ActionEntityListingWireSchema>;

/** `TestExecutionResult` of `/test` and `/draft/test` (reference §7.1). */
export const TestExecutionResultWireSchema = z.looseObject({
  operations: z
    .array(
      z.looseObject({
        step: z.number().optional(),
        name: z.string().optional(),
        success: z.boolean().optional(),
        result: z.unknown().optional(),
        error: z.unknown().optional(),
      }),
    )
    .optional(),
  error: z.unknown().optional(),
  finalResult: z.unknown().optional(),
  success: z.boolean().optional(),
});
/** The step-by-step result of a test run. */
export type TestExecutionResultWire = z.output<typeof TestExecutionResultWireSchema>;

/** What a gateway tool is created or replaced with (DESIGN "Gateway tools contract"). */
export interface GatewayToolInputWire {
  readonly name: string;
  readonly description: string;
  readonly schema: JsonSchemaWire;
  readonly executionEndpoint: string;
  readonly rateLimit?: {
    readonly requestsPerMinute: number;
    readonly burstSize?: number | undefined;
  };
  /** Marks the tools this project manages (the gateway's counterpart of a category). */
  readonly managedBy?: string;
  /** On PUT: the version read; a stale one is refused with 409. */
  readonly version?: number;
}

/** A gateway tool entity: the payload plus `id`, `version`, `status`, dates and `selfUri`. */
export const GatewayToolWireSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  schema: jsonSchema.optional(),
  executionEndpoint: z.string().optional(),
  rateLimit: z.unknown().optional(),
  managedBy: z.string().optional(),
  version: z.number().optional(),
  status: z.string().optional(),
  dateCreated: z.string().optional(),
  dateModified: z.string().optional(),
  selfUri: z.string().optional(),
});
/** A gateway tool entity. */
export type GatewayToolWire = z.output<typeof GatewayToolWireSchema>;
