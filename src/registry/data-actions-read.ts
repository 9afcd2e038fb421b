/**
 * Reading data actions as the platform gives them (reference §10.1): the listing takes no
 * `expand` and carries no contract; a single GET has the contract; templates come back only as
 * `*TemplateUri` and are read as text. A full read costs up to three requests, so it is done only
 * when the listing cannot settle the comparison (see SPEC_HEADER), with bounded concurrency.
 */
import { createHash } from 'node:crypto';
import { GenesysNotFoundError } from '../errors.js';
import type { GenesysClient, PageWire } from '../genesys/index.js';
import { paginate } from '../genesys/index.js';
import { comparableText, normaliseJson } from './comparable.js';
import {
  entitiesOf,
  isRecord,
  numberField,
  recordOf,
  signalOption,
  stringField,
} from './wire-read.js';

const ACTIONS = '/api/v2/integrations/actions';

/** Full reads in flight at once (the client's rate limiter paces them further). */
export const READ_CONCURRENCY = 8;

type Client = Pick<GenesysClient, 'dataActions' | 'transport'>;

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
export function listingFingerprint(action: Record<string, unknown>): string {
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

/** Lists published actions with their config (no contract), filtered by category and name. */
export async function listShallow(
  client: Client,
  query: { readonly category?: string; readonly name?: string; readonly pageSize: number },
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>[]> {
  const pages = paginate<Record<string, unknown>>(
    async (pageNumber): Promise<PageWire<Record<string, unknown>>> => {
      const response = await client.transport.send({
        method: 'GET',
        route: ACTIONS,
        query: {
          pageSize: query.pageSize,
          pageNumber,
          category: query.category,
          name: query.name,
          includeConfig: true,
        },
        ...signalOption(signal),
      });
      const page = recordOf(response.body);
      return {
        entities: entitiesOf(page),
        pageNumber: numberField(page, 'pageNumber'),
        pageCount: numberField(page, 'pageCount'),
        nextUri: stringField(page, 'nextUri') ?? null,
      };
    },
    { pageSize: query.pageSize, maxPages: 10_000, what: `GET ${ACTIONS}` },
  );
  return pages.collect();
}

function fileOf(uri: string | undefined, fallback: string): string {
  const last = uri?.split('?')[0]?.split('/').pop();
  return last === undefined || last === '' ? fallback : decodeURIComponent(last);
}

/** Puts the templates back inline where only their URIs came back. */
async function withTemplates(
  client: Client,
  action: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>> {
  const id = stringField(action, 'id') ?? '';
  const config = recordOf(action.config);
  const request = recordOf(config.request);
  const response = recordOf(config.response);
  const read = (uri: string | undefined, fallback: string): Promise<string> =>
    client.dataActions.getTemplate(id, fileOf(uri, fallback), signalOption(signal));
  const requestUri = stringField(request, 'requestTemplateUri');
  const successUri = stringField(response, 'successTemplateUri');
  const [requestTemplate, successTemplate] = await Promise.all([
    typeof request.requestTemplate !== 'string' && requestUri !== undefined
      ? read(requestUri, 'requesttemplate.vm')
      : request.requestTemplate,
    typeof response.successTemplate !== 'string' && successUri !== undefined
      ? read(successUri, 'successtemplate.vm')
      : response.successTemplate,
  ]);
  if (!isRecord(action.config)) return action;
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
): Promise<Record<string, unknown>> {
  const action = recordOf(
    await client.dataActions.get(id, { expand: 'contract', ...signalOption(signal) }),
  );
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
): Promise<Record<string, unknown> | undefined> {
  try {
    return await readAction(client, id, signal);
  } catch (error) {
    if (error instanceof GenesysNotFoundError) return undefined;
    throw error;
  }
}
