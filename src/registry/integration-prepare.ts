/**
 * Finding (or creating) the Web Services Data Actions integration and its credential without ever
 * touching what is not ours (reference §10.2): an integration is adopted only when it is the one
 * with the configured name (or the given id) and its credential slot is empty or holds the
 * credential this project creates (by name and type); a credential's type is never changed.
 */
import { ConfigError, GenesysConflictError, SyncError } from '../errors.js';
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
    if (current !== undefined) {
      const credential = await client.credentials.get(current, signalOption(signal));
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
    const credential = await client.credentials.create(body, signalOption(signal));
    try {
      await client.integrations.putConfig(
        integration.id,
        {
          name: config.name ?? settings.integrationName,
          version: config.version,
          properties: config.properties ?? {},
          advanced: config.advanced ?? {},
          notes: config.notes ?? '',
          credentials: { [SLOT]: { id: credential.id } },
        },
        signalOption(signal),
      );
      return;
    } catch (error) {
      await client.credentials.remove(credential.id, signalOption(signal)).catch(() => undefined);
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
