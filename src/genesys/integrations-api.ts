/**
 * Integrations and credentials (reference §7.0): find or create the Web Services Data Actions
 * integration (`custom-rest-actions`), give it a credential, enable it.
 */
import type { Paged } from './paginate.js';
import { paginate } from './paginate.js';
import { parseWire } from './parse-wire.js';
import type { CallOptions, Transport } from './transport.js';
import {
  CredentialWireSchema,
  IntegrationConfigWireSchema,
  IntegrationWireSchema,
  entityListingSchema,
} from './wire.js';
import type {
  CredentialInputWire,
  CredentialWire,
  IntegrationConfigInputWire,
  IntegrationConfigWire,
  IntegrationWire,
} from './wire.js';

/** The integration type of Web Services Data Actions. */
export const WEB_SERVICES_INTEGRATION_TYPE = 'custom-rest-actions';

const IntegrationListingSchema = entityListingSchema(IntegrationWireSchema);

/** Options of listings. */
export interface ListOptions extends CallOptions {
  readonly pageSize?: number;
}

/** Options of calls that create something. */
export interface CreateOptions extends CallOptions {
  /** The caller knows a repeat is harmless; only then is a failed POST retried. */
  readonly idempotent?: boolean;
}

/** `/api/v2/integrations`. */
export interface IntegrationsApi {
  /** Every integration of the org, paged. */
  list(options?: ListOptions): Paged<IntegrationWire>;
  /** The first integration with this exact name and type, if any (names are not unique). */
  findByName(
    name: string,
    type?: string,
    options?: CallOptions,
  ): Promise<IntegrationWire | undefined>;
  /** Every integration with this exact name and type (names are not unique, reference §10.2). */
  findAllByName(name: string, type?: string, options?: CallOptions): Promise<IntegrationWire[]>;
  /** Creates an integration (it starts disabled). @throws GenesysApiError */
  create(input: { name: string; type?: string }, options?: CreateOptions): Promise<IntegrationWire>;
  /** @throws GenesysNotFoundError GENESYS_NOT_FOUND */
  get(id: string, options?: CallOptions): Promise<IntegrationWire>;
  /** Sets `intendedState` ENABLED (PATCH; there is no PUT on an integration). */
  enable(id: string, options?: CallOptions): Promise<IntegrationWire>;
  /** Sets `intendedState` DISABLED. */
  disable(id: string, options?: CallOptions): Promise<IntegrationWire>;
  /** `config/current`, with the `version` a PUT needs. */
  getConfig(id: string, options?: CallOptions): Promise<IntegrationConfigWire>;
  /** Replaces `config/current`; a stale version gives GenesysConflictError GENESYS_CONFLICT. */
  putConfig(
    id: string,
    config: IntegrationConfigInputWire,
    options?: CallOptions,
  ): Promise<IntegrationConfigWire>;
  /** Deletes the integration. */
  remove(id: string, options?: CallOptions): Promise<void>;
}

/** `/api/v2/integrations/credentials`. */
export interface CredentialsApi {
  /** Creates a credential; see `userDefinedCredential` and `basicAuthCredential`. */
  create(input: CredentialInputWire, options?: CreateOptions): Promise<CredentialWire>;
  /** Reads a credential; sensitive fields come back redacted. */
  get(id: string, options?: CallOptions): Promise<CredentialWire>;
  /** Replaces a credential's fields (rotating a token). */
  update(id: string, input: CredentialInputWire, options?: CallOptions): Promise<CredentialWire>;
  remove(id: string, options?: CallOptions): Promise<void>;
}

/** A User Defined credential holding the fields a request template reads (`${credentials.token}`). */
export function userDefinedCredential(
  name: string,
  fields: Readonly<Record<string, string>>,
): CredentialInputWire {
  return { name, type: { name: 'userDefined' }, credentialFields: { ...fields } };
}

/** A Basic Auth credential: Genesys adds `Authorization: Basic ...` to every request. */
export function basicAuthCredential(
  name: string,
  userName: string,
  password?: string,
): CredentialInputWire {
  return {
    name,
    type: { name: 'basicAuth' },
    credentialFields: password === undefined ? { userName } : { userName, password },
  };
}

/** Builds the integrations API on a transport. */
export function createIntegrationsApi(transport: Transport, maxPages: number): IntegrationsApi {
  const list = (options: ListOptions = {}): Paged<IntegrationWire> => {
    const pageSize = options.pageSize ?? 100;
    return paginate(
      async (pageNumber) =>
        parseWire(
          IntegrationListingSchema,
          await transport.send({
            method: 'GET',
            route: '/api/v2/integrations',
            query: { pageSize, pageNumber },
            ...signalOf(options),
          }),
          'GET /api/v2/integrations',
        ),
      { pageSize, maxPages, what: 'GET /api/v2/integrations' },
    );
  };
  const setState = async (
    id: string,
    intendedState: 'ENABLED' | 'DISABLED',
    options: CallOptions = {},
  ): Promise<IntegrationWire> =>
    parseWire(
      IntegrationWireSchema,
      await transport.send({
        method: 'PATCH',
        route: '/api/v2/integrations/{id}',
        params: { id },
        body: { intendedState },
        ...signalOf(options),
      }),
      'PATCH /api/v2/integrations/{id}',
    );
  return {
    list,
    findByName: async (name, type = WEB_SERVICES_INTEGRATION_TYPE, options = {}) => {
      for await (const integration of list(options)) {
        if (integration.name === name && integration.integrationType?.id === type)
          return integration;
      }
      return undefined;
    },
    findAllByName: async (name, type = WEB_SERVICES_INTEGRATION_TYPE, options = {}) => {
      const found: IntegrationWire[] = [];
      for await (const integration of list(options)) {
        if (integration.name === name && integration.integrationType?.id === type) {
          found.push(integration);
        }
      }
      return found;
    },
    create: async (input, options = {}) =>
      parseWire(
        IntegrationWireSchema,
        await transport.send({
          method: 'POST',
          route: '/api/v2/integrations',
          body: {
            name: input.name,
            integrationType: { id: input.type ?? WEB_SERVICES_INTEGRATION_TYPE },
          },
          ...createOptions(options),
        }),
        'POST /api/v2/integrations',
      ),
    get: async (id, options = {}) =>
      parseWire(
        IntegrationWireSchema,
        await transport.send({
          method: 'GET',
          route: '/api/v2/integrations/{id}',
          params: { id },
          ...signalOf(options),
        }),
        'GET /api/v2/integrations/{id}',
      ),
    enable: (id, options) => setState(id, 'ENABLED', options),
    disable: (id, options) => setState(id, 'DISABLED', options),
    getConfig: async (id, options = {}) =>
      parseWire(
        IntegrationConfigWireSchema,
        await transport.send({
          method: 'GET',
          route: '/api/v2/integrations/{id}/config/current',
          params: { id },
          ...signalOf(options),
        }),
        'GET /api/v2/integrations/{id}/config/current',
      ),
    putConfig: async (id, config, options = {}) =>
      parseWire(
        IntegrationConfigWireSchema,
        await transport.send({
          method: 'PUT',
          route: '/api/v2/integrations/{id}/config/current',
          params: { id },
          body: config,
          ...signalOf(options),
        }),
        'PUT /api/v2/integrations/{id}/config/current',
      ),
    remove: async (id, options = {}) => {
      await transport.send({
        method: 'DELETE',
        route: '/api/v2/integrations/{id}',
        params: { id },
        ...signalOf(options),
      });
    },
  };
}

/** Builds the credentials API on a transport. */
export function createCredentialsApi(transport: Transport): CredentialsApi {
  return {
    create: async (input, options = {}) =>
      parseWire(
        CredentialWireSchema,
        await transport.send({
          method: 'POST',
          route: '/api/v2/integrations/credentials',
          body: input,
          ...createOptions(options),
        }),
        'POST /api/v2/integrations/credentials',
      ),
    get: async (id, options = {}) =>
      parseWire(
        CredentialWireSchema,
        await transport.send({
          method: 'GET',
          route: '/api/v2/integrations/credentials/{id}',
          params: { id },
          ...signalOf(options),
        }),
        'GET /api/v2/integrations/credentials/{id}',
      ),
    update: async (id, input, options = {}) =>
      parseWire(
        CredentialWireSchema,
        await transport.send({
          method: 'PUT',
          route: '/api/v2/integrations/credentials/{id}',
          params: { id },
          body: input,
          ...signalOf(options),
        }),
        'PUT /api/v2/integrations/credentials/{id}',
      ),
    remove: async (id, options = {}) => {
      await transport.send({
        method: 'DELETE',
        route: '/api/v2/integrations/credentials/{id}',
        params: { id },
        ...signalOf(options),
      });
    },
  };
}

/** `{ signal }` when there is one (exactOptionalPropertyTypes forbids passing `undefined`). */
export function signalOf(options: CallOptions): CallOptions {
  return options.signal === undefined ? {} : { signal: options.signal };
}

/** `{ signal, idempotent }` as far as they are set. */
export function createOptions(options: CreateOptions): CreateOptions {
  return {
    ...signalOf(options),
    ...(options.idempotent === undefined ? {} : { idempotent: options.idempotent }),
  };
}
