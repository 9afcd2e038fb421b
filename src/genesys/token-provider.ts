/**
 * OAuth client-credentials tokens (reference §1): `POST {login}/oauth/token` with Basic auth and a
 * form body. Cached, renewed a margin before expiry, one request in flight for all callers. The
 * secret and the token live only in this closure: never on an object, in a log line or an error.
 */
import { inspect } from 'node:util';
import type { Deps } from '../deps.js';
import { GenesysApiError } from '../errors.js';
import { TOKEN_ROUTE, apiErrorFromResponse } from './api-error.js';
import { transportError } from './transport-error.js';
import { attemptSignal, raceSignal } from './attempt-signal.js';
import type { ClientEvent } from './events.js';
import { TokenResponseWireSchema } from './wire.js';

/** Gives out a valid bearer token. */
export interface TokenProvider {
  /**
   * A token valid for at least the renewal margin, fetching one if needed.
   * @throws GenesysAuthError GENESYS_AUTH_FAILED when the login host refuses the credentials.
   * @throws GenesysUnavailableError GENESYS_UNAVAILABLE on 5xx, network failure or timeout.
   */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops the cached token (after a 401); with `token`, only if it is still the cached one. */
  invalidate(token?: string): void;
}

/** Options of `createTokenProvider` (already validated by the client). */
export interface TokenProviderOptions {
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly renewMarginMs: number;
  readonly requestTimeoutMs: number;
  readonly onEvent?: ((event: ClientEvent) => void) | undefined;
}

interface CachedToken {
  readonly token: string;
  readonly renewAtMs: number;
}

/** The moment to renew a token: a margin before expiry, but never before half its lifetime. */
export function renewAtMs(obtainedAtMs: number, expiresInMs: number, marginMs: number): number {
  return obtainedAtMs + Math.max(expiresInMs - marginMs, expiresInMs / 2);
}

/** Creates the token provider for one OAuth client. */
export function createTokenProvider(options: TokenProviderOptions, deps: Deps): TokenProvider {
  const { clock, logger } = deps;
  const url = `${options.loginUrl.replace(/\/+$/, '')}${TOKEN_ROUTE}`;
  const path = new URL(url).pathname;
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const emit = (outcome: 'renewed' | 'failed', startedMs: number): void => {
    options.onEvent?.({ type: 'token', outcome, durationMs: clock.nowMs() - startedMs });
  };

  const request = async (): Promise<CachedToken> => {
    const startedMs = clock.nowMs();
    const attempt = attemptSignal(clock, options.requestTimeoutMs, undefined);
    const info = { method: 'POST', path, route: TOKEN_ROUTE };
    try {
      let response: Response;
      let body: unknown;
      try {
        response = await deps.fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: 'grant_type=client_credentials',
          signal: attempt.signal,
        });
        body = parseJson(await response.text());
      } catch (error) {
        throw attempt.timedOut()
          ? transportError('timeout', info, { timeoutMs: options.requestTimeoutMs })
          : transportError('network', info, { cause: error });
      }
      logger.debug(
        {
          method: 'POST',
          url,
          status: response.status,
          durationMs: clock.nowMs() - startedMs,
          correlationId: response.headers.get('inin-correlation-id') ?? undefined,
        },
        'genesys token exchange',
      );
      if (!response.ok) {
        throw apiErrorFromResponse(response.status, body, response.headers, {
          ...info,
          nowMs: clock.nowMs(),
        });
      }
      const parsed = TokenResponseWireSchema.safeParse(body);
      if (!parsed.success) {
        throw new GenesysApiError(
          'GENESYS_UNEXPECTED_RESPONSE',
          `POST ${path} answered ${response.status} without access_token and expires_in; check GENESYS_CLOUD_LOGIN_URL`,
          { status: response.status, method: 'POST', path },
        );
      }
      const nowMs = clock.nowMs();
      emit('renewed', startedMs);
      return {
        token: parsed.data.access_token,
        renewAtMs: renewAtMs(nowMs, parsed.data.expires_in * 1000, options.renewMarginMs),
      };
    } catch (error) {
      emit('failed', startedMs);
      throw error;
    } finally {
      attempt.dispose();
    }
  };

  const provider: TokenProvider & { toJSON(): unknown } = {
    getToken: async (signal) => {
      signal?.throwIfAborted();
      if (cached !== undefined && clock.nowMs() < cached.renewAtMs) return cached.token;
      inFlight ??= request()
        .then((fresh) => {
          cached = fresh;
          return fresh;
        })
        .finally(() => {
          inFlight = undefined;
        });
      const fresh = await raceSignal(inFlight, signal);
      return fresh.token;
    },
    invalidate: (token) => {
      if (token === undefined || cached?.token === token) cached = undefined;
    },
    toJSON: () => ({ loginUrl: options.loginUrl, clientId: options.clientId }),
  };
  Object.defineProperty(provider, inspect.custom, {
    value: () =>
      `TokenProvider { loginUrl: '${options.loginUrl}', clientId: '${options.clientId}' }`,
  });
  return provider;
}

/** Parses a body as JSON when it is JSON; otherwise keeps the text. */
export function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
