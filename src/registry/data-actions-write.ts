/**
 * The writes of the `data-actions` target through the typed client (reference §7.1): a POST
 * creates and publishes in one step, a PATCH changes name, category and config (never the
 * contract), a DELETE removes. Each answers the call's correlation id for the audit.
 */
import type { ActionWire, GenesysClient } from '../genesys/index.js';
import { DataActionBodySchema, parseDesiredBody } from './desired-body.js';
import { configKeeping } from './listing-settle.js';
import type { DesiredEntry, RemoteEntry, WriteResult } from './registry.js';
import { signalOption } from './wire-read.js';

type Client = Pick<GenesysClient, 'dataActions'>;

/** How a write's answer becomes an entry (the target's `toEntry`). */
type ToEntry = (action: ActionWire) => RemoteEntry;

/**
 * Creates `desired` in `integrationId`, named `name`.
 * @throws SyncError SYNC_PLAN_FILE_INVALID for a malformed desired body; GenesysApiError from the call.
 */
export async function createAction(
  client: Client,
  desired: DesiredEntry,
  target: { readonly name: string; readonly integrationId: string },
  toEntry: ToEntry,
  signal: AbortSignal | undefined,
): Promise<WriteResult> {
  const body = parseDesiredBody(DataActionBodySchema, desired, 'data-actions');
  const answer = await client.dataActions.create(
    { ...body, name: target.name, integrationId: target.integrationId },
    signalOption(signal),
  );
  // The answer may carry templates only as URIs: the desired body is what was written.
  const entry = toEntry({
    ...body,
    ...answer,
    config: body.config,
    contract: body.contract,
  });
  return { entry, correlationId: answer.lastResponse.correlationId };
}

/**
 * Changes `remote` in place to `desired`, sending the version read; a stale one gives
 * GENESYS_CONFLICT. PATCH cannot change a contract (reference §7.1): plan sends those as replaces.
 * @throws SyncError SYNC_PLAN_FILE_INVALID for a malformed desired body; GenesysApiError from the call.
 */
export async function updateAction(
  client: Client,
  remote: RemoteEntry,
  desired: DesiredEntry,
  toEntry: ToEntry,
  signal: AbortSignal | undefined,
): Promise<WriteResult> {
  const body = parseDesiredBody(DataActionBodySchema, desired, 'data-actions');
  // The digest header names the descriptions the contract keeps (issue 15 item 12).
  const config = body.config && configKeeping(body.config, desired, remote);
  const answer = await client.dataActions.patch(
    remote.id,
    {
      version: remote.version ?? 1,
      name: body.name,
      category: body.category,
      config,
    },
    signalOption(signal),
  );
  const { integrationId } = remote.spec.fixed;
  const entry = toEntry({
    ...answer,
    contract: answer.contract ?? body.contract,
    integrationId: typeof integrationId === 'string' ? integrationId : undefined,
    config,
  });
  // The contract (and so its descriptions) is the one the action already had.
  const kept = remote.spec.descriptions;
  const spec = kept === undefined ? entry.spec : { ...entry.spec, descriptions: kept };
  return { entry: { ...entry, spec }, correlationId: answer.lastResponse.correlationId };
}

/** Deletes an action. @throws GenesysNotFoundError when it is gone already. */
export async function removeAction(
  client: Client,
  id: string,
  signal: AbortSignal | undefined,
): Promise<{ readonly correlationId: string | undefined }> {
  const answer = await client.dataActions.remove(id, signalOption(signal));
  return { correlationId: answer.correlationId };
}
