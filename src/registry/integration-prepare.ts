/**
 * Finding (or creating) the Web Services Data Actions integration and its credential without ever
 * touching what is not ours (reference §10.2): an integration is adopted only when it is the one
 * with the configured name (or the given id) and its credential slot is empty or holds the
 * credential this project creates (by name and type); a credential's type is never changed.
 */
import { ConfigError, GenesysConflictError, GenesysNotFoundError, SyncError } from '../errors.js';
import type { GenesysClient, IntegrationWire } from '../genesys/index.js';
import { userDefinedCredential, WEB_SERVICES_INTEGRATION_TYPE } from '../genesys/index.js';
import { signalOption } from './wire-read.js';

/** The credential type this project creates; the slot key of custom-rest-actions (§7.0). */
const CREDENTIAL_TYPE = 'userDefined';
const SLOT = 'basicAuth';

/** What `prepareIntegration` needs. */
export interface IntegrationSettings {
  readonly integrationName: string;
  readonly integrationId?: string | undefined;
  readonly credentialName: string;
  readonly bearerToken?: string | undefined;
}

type Client = Pick<GenesysClient, 'integrations' | 'credentials'>;

/**
 * The integration to use for reading: the given id, else the only one with the configured name;
 * undefined when there is none yet.
 * @throws SyncError SYNC_INTEGRATION_AMBIGUOUS when several have the name.
 */
export async function findIntegration(
  client: Client,
  settings: Pick<IntegrationSettings, 'integrationName' | 'integrationId'>,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (settings.integrationId !== undefined) return settings.integrationId;
  const found = await client.integrations.findAllByName(
    settings.integrationName,
    WEB_SERVICES_INTEGRATION_TYPE,
    signalOption(signal),
  );
  if (found.length > 1) {
    const ids = found.map((i) => i.id);
    throw new SyncError(
      'SYNC_INTEGRATION_AMBIGUOUS',
      `${found.length} Web Services Data Actions integrations are named "${settings.integrationName}" (${ids.join(', ')}); nothing was changed. Pick one with --integration-id ID (or integrationId in the config file).`,
      { details: { integrationName: settings.integrationName, integrationIds: ids } },
    );
  }
  return found[0]?.id;
}

function notOurs(integrationId: string, why: string): SyncError {
  return new SyncError(
    'SYNC_INTEGRATION_NOT_OURS',
    `integration ${integrationId}: ${why}; nothing was changed. Use an integration of your own: name a new one with integrationName, or pick one with --integration-id whose credential slot is empty or holds this project's credential.`,
    { details: { integrationId } },
  );
}

function requireToken(settings: IntegrationSettings): string {
  if (settings.bearerToken === undefined) {
    throw new ConfigError(
      'CONFIG_MISSING',
      'no token for the data action credential: set GENESYS_TOOLS_BEARER_TOKEN (the first value is sent by the data actions)',
      { details: { variables: ['GENESYS_TOOLS_BEARER_TOKEN'] } },
    );
  }
  return settings.bearerToken;
}

/** Fills an empty slot with a new credential of ours, or rotates the token of ours. */
async function ensureCredential(
  client: Client,
  integration: IntegrationWire,
  settings: IntegrationSettings,
  signal: AbortSignal | undefined,
): Promise<void> {
  const token = requireToken(settings);
  const body = userDefinedCredential(settings.credentialName, { token });
  for (let attempt = 1; ; attempt++) {
    const config = await client.integrations.getConfig(integration.id, signalOption(signal));
    const current = config.credentials?.[SLOT]?.id;
    // A slot naming a credential that is gone (an earlier run's lost answer) is filled anew.
    const credential =
      current === undefined
        ? undefined
        : await client.credentials.get(current, signalOption(signal)).catch((error: unknown) => {
            if (error instanceof GenesysNotFoundError) return undefined;
            throw error;
          });
    if (current !== undefined && credential !== undefined) {
      const type = credential.type?.name;
      if (credential.name !== settings.credentialName || type !== CREDENTIAL_TYPE) {
        // Changing a credential's type breaks every published action of the integration (§10.2).
        throw notOurs(
          integration.id,
          `its credential slot holds "${credential.name ?? current}" of type ${type ?? 'unknown'}, not this project's "${settings.credentialName}" (${CREDENTIAL_TYPE})`,
        );
      }
      // Rotating the token: the secret cannot be read back, so it is written on every apply.
      await client.credentials.update(current, body, signalOption(signal));
      return;
    }
    const created = await client.credentials.create(body, signalOption(signal));
    try {
      await client.integrations.putConfig(
        integration.id,
        {
          name: config.name ?? settings.integrationName,
          version: config.version,
          properties: config.properties ?? {},
          advanced: config.advanced ?? {},
          notes: config.notes ?? '',
          credentials: { [SLOT]: { id: created.id } },
        },
        signalOption(signal),
      );
      return;
    } catch (error) {
      // A write whose answer was lost may have landed: keep the credential the config now names.
      const now = await client.integrations
        .getConfig(integration.id, signalOption(signal))
        .catch(() => undefined);
      if (now?.credentials?.[SLOT]?.id === created.id) return;
      await client.credentials.remove(created.id, signalOption(signal)).catch(() => undefined);
      if (!(error instanceof GenesysConflictError) || attempt >= 2) throw error;
    }
  }
}

/**
 * Readies the integration for writes: finds it (or creates it), checks that it is ours, gives it
 * the credential, enables it. Answers its id.
 * @throws SyncError SYNC_INTEGRATION_AMBIGUOUS, SYNC_INTEGRATION_NOT_OURS
 * @throws ConfigError CONFIG_MISSING without a bearer token.
 */
export async function prepareIntegration(
  client: Client,
  settings: IntegrationSettings,
  signal: AbortSignal | undefined,
): Promise<string> {
  requireToken(settings);
  const id = await findIntegration(client, settings, signal);
  let integration =
    id === undefined ? undefined : await client.integrations.get(id, signalOption(signal));
  if (integration !== undefined) {
    const type = integration.integrationType?.id;
    if (type !== undefined && type !== WEB_SERVICES_INTEGRATION_TYPE) {
      throw notOurs(integration.id, `it is of type ${type}, not ${WEB_SERVICES_INTEGRATION_TYPE}`);
    }
  } else {
    integration = await client.integrations.create(
      { name: settings.integrationName },
      signalOption(signal),
    );
  }
  await ensureCredential(client, integration, settings, signal);
  if (integration.intendedState !== 'ENABLED') {
    await client.integrations.enable(integration.id, signalOption(signal));
  }
  return integration.id;
}

/** One thing `prepare` would change in the integration or its credential. */
export interface SetupChange {
  readonly action: 'create' | 'update' | 'enable';
  readonly what: 'integration' | 'credential';
  readonly name: string;
  /** Why, in words; names where a secret comes from, never the secret. */
  readonly note: string;
}

const TOKEN_SOURCE = 'token from GENESYS_TOOLS_BEARER_TOKEN';

/**
 * What `prepareIntegration` would change, read without writing anything: the integration to
 * create or enable, the credential to create, or the token it writes again (the secret cannot be
 * read back, so every prepare writes it). Refusals (not ours, ambiguous) surface at apply.
 * @throws SyncError SYNC_INTEGRATION_AMBIGUOUS when several have the name.
 */
export async function planIntegration(
  client: Client,
  settings: IntegrationSettings,
  signal: AbortSignal | undefined,
): Promise<readonly SetupChange[]> {
  const credential = (action: 'create' | 'update', note: string): SetupChange => ({
    action,
    what: 'credential',
    name: settings.credentialName,
    note,
  });
  const id = await findIntegration(client, settings, signal);
  if (id === undefined) {
    return [
      {
        action: 'create',
        what: 'integration',
        name: settings.integrationName,
        note: `Web Services Data Actions, enabled`,
      },
      credential('create', `User Defined, ${TOKEN_SOURCE}`),
    ];
  }
  const integration = await client.integrations.get(id, signalOption(signal));
  const name = integration.name ?? settings.integrationName;
  const config = await client.integrations.getConfig(id, signalOption(signal));
  const slot = config.credentials?.[SLOT]?.id;
  // A slot whose credential is gone is filled anew (see ensureCredential).
  const gone =
    slot !== undefined &&
    (await client.credentials.get(slot, signalOption(signal)).then(
      () => false,
      (error: unknown) => {
        if (error instanceof GenesysNotFoundError) return true;
        throw error;
      },
    ));
  const changes: SetupChange[] = [
    slot === undefined || gone
      ? credential('create', `User Defined, ${TOKEN_SOURCE}`)
      : credential(
          'update',
          `${TOKEN_SOURCE}; written on every apply that changes something, as it cannot be read back`,
        ),
  ];
  if (integration.intendedState !== 'ENABLED') {
    changes.unshift({ action: 'enable', what: 'integration', name, note: `id ${id}` });
  }
  return changes;
}
