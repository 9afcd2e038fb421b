/**
 * What `destroy` leaves behind (issue 12 item 3): the Web Services Data Actions integration and
 * its credential. They are offered for removal only when this project made them (the configured
 * names, the `userDefined` credential) and no action of any category still uses the integration.
 */
import { GenesysNotFoundError } from '../errors.js';
import type { GenesysClient } from '../genesys/index.js';
import { findIntegration } from './integration-prepare.js';
import { signalOption } from './wire-read.js';

/** The integration and credential found after a destroy. */
export interface Leftovers {
  readonly integration: { readonly id: string; readonly name: string } | undefined;
  readonly credential:
    { readonly id: string; readonly name: string; readonly type: string } | undefined;
  /** Actions of any category still in the integration. */
  readonly actionsLeft: number;
  /** True when both are this project's and nothing uses them: safe to remove. */
  readonly removable: boolean;
}

type Client = Pick<GenesysClient, 'integrations' | 'credentials' | 'dataActions'>;

/** Settings that say what is ours. */
export interface LeftoverSettings {
  readonly integrationName: string;
  readonly integrationId?: string | undefined;
  readonly credentialName: string;
}

/**
 * Looks up the integration and its credential.
 * @throws SyncError SYNC_INTEGRATION_AMBIGUOUS when several carry the configured name.
 */
export async function findLeftovers(
  client: Client,
  settings: LeftoverSettings,
  signal?: AbortSignal,
): Promise<Leftovers> {
  const id = await findIntegration(client, settings, signal);
  if (id === undefined) {
    return { integration: undefined, credential: undefined, actionsLeft: 0, removable: false };
  }
  const integration = await client.integrations.get(id, signalOption(signal));
  const config = await client.integrations.getConfig(id, signalOption(signal));
  const credentialId = config.credentials?.basicAuth?.id;
  const credential =
    credentialId === undefined
      ? undefined
      : await client.credentials.get(credentialId, signalOption(signal)).catch((error: unknown) => {
          if (error instanceof GenesysNotFoundError) return undefined;
          throw error;
        });
  const actions = await client.dataActions.list(signalOption(signal)).collect();
  const actionsLeft = actions.filter((a) => a.integrationId === id).length;
  const credentialView =
    credential === undefined
      ? undefined
      : { id: credential.id, name: credential.name ?? '', type: credential.type?.name ?? '' };
  const ours =
    (integration.name ?? '') === settings.integrationName &&
    (credentialView === undefined ||
      (credentialView.name === settings.credentialName && credentialView.type === 'userDefined'));
  return {
    integration: { id, name: integration.name ?? '' },
    credential: credentialView,
    actionsLeft,
    removable: ours && actionsLeft === 0,
  };
}

/** Deletes the integration, then its credential (the integration's config names it). */
export async function removeLeftovers(
  client: Client,
  leftovers: Leftovers,
  signal?: AbortSignal,
): Promise<void> {
  if (!leftovers.removable || leftovers.integration === undefined) {
    throw new RangeError('removeLeftovers: only removable leftovers are removed');
  }
  await client.integrations.remove(leftovers.integration.id, signalOption(signal));
  if (leftovers.credential !== undefined) {
    await client.credentials.remove(leftovers.credential.id, signalOption(signal));
  }
}
