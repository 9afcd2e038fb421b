/**
 * Reading data actions as the platform gives them (reference §10.1): the listing takes no
 * `expand` and carries no contract; a single GET has the contract; templates come back only as
 * `*TemplateUri` and are read as text. A full read costs up to three requests, so it is done only
 * when the listing cannot settle the comparison (see SPEC_HEADER), with bounded concurrency.
 */
import { createHash } from 'node:crypto';
import { GenesysNotFoundError } from '../errors.js';
import type { ActionWire, GenesysClient } from '../genesys/index.js';
import { comparableText, normaliseJson } from './comparable.js';
import { signalOption } from './wire-read.js';

/** Full reads in flight at once (the client's rate limiter paces them further). */
export const READ_CONCURRENCY = 8;

type Client = Pick<GenesysClient, 'dataActions'>;

/** Maps `items` through `fn` with at most `limit` calls in flight; keeps the order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (i >= items.length || item === undefined) return;
      out[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** SHA-256 of what the listing shows of an action (id, version, name, category, config). */
export function listingFingerprint(action: Readonly<Record<string, unknown>>): string {
  const text = comparableText(
    normaliseJson({
      id: action.id,
      name: action.name,
      version: action.version,
      category: action.category,
      config: action.config,
    }),
  );
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Lists published actions with their config (no contract), filtered by category and name.
 * @throws GenesysApiError GENESYS_UNEXPECTED_RESPONSE naming the field when an action lacks its id or name.
 */
export async function listShallow(
  client: Client,
  query: { readonly category?: string; readonly name?: string; readonly pageSize: number },
  signal: AbortSignal | undefined,
): Promise<ActionWire[]> {
  return client.dataActions
    .list({ ...query, includeConfig: true, ...signalOption(signal) })
    .collect();
}

function fileOf(uri: string | undefined, fallback: string): string {
  const last = uri?.split('?')[0]?.split('/').pop();
  return last === undefined || last === '' ? fallback : decodeURIComponent(last);
}

/** Puts the templates back inline where only their URIs came back. */
async function withTemplates(
  client: Client,
  action: ActionWire,
  signal: AbortSignal | undefined,
): Promise<ActionWire> {
  const { config } = action;
  if (config === undefined) return action;
  const request = config.request ?? {};
  const response = config.response ?? {};
  const read = (uri: unknown, fallback: string): Promise<string> =>
    client.dataActions.getTemplate(
      action.id,
      fileOf(typeof uri === 'string' ? uri : undefined, fallback),
      signalOption(signal),
    );
  const [requestTemplate, successTemplate] = await Promise.all([
    typeof request.requestTemplate !== 'string' && typeof request.requestTemplateUri === 'string'
      ? read(request.requestTemplateUri, 'requesttemplate.vm')
      : request.requestTemplate,
    typeof response.successTemplate !== 'string' && typeof response.successTemplateUri === 'string'
      ? read(response.successTemplateUri, 'successtemplate.vm')
      : response.successTemplate,
  ]);
  return {
    ...action,
    config: {
      ...config,
      request: { ...request, requestTemplate },
      response: { ...response, successTemplate },
    },
  };
}

/**
 * Reads one action in full: contract, config and templates.
 * @throws GenesysNotFoundError when it is gone.
 */
export async function readAction(
  client: Client,
  id: string,
  signal: AbortSignal | undefined,
): Promise<ActionWire> {
  const action = await client.dataActions.get(id, { expand: 'contract', ...signalOption(signal) });
  return withTemplates(client, action, signal);
}

/**
 * `readAction`, undefined when the action is gone (a listing may show a deleted action for a
 * while, reference §10.2).
 */
export async function readFull(
  client: Client,
  id: string,
  signal: AbortSignal | undefined,
): Promise<ActionWire | undefined> {
  try {
    return await readAction(client, id, signal);
  } catch (error) {
    if (error instanceof GenesysNotFoundError) return undefined;
    throw error;
  }
}
