/**
 * The HTTP pipeline of the client (DESIGN "src/genesys/"): token, client-side rate limit,
 * per-attempt timeout, retries with `Retry-After` (a 429's `inin-ratelimit-reset`) / capped
 * jittered backoff, a total deadline, one renewal after a 401, events and redacted logs.
 */
import type { Deps } from '../deps.js';
import type { GenesysApiError } from '../errors.js';
import { redact, redactString } from '../redact.js';
import { apiErrorFromResponse } from './api-error.js';
import { isExecutionFailure } from './execution-failure.js';
import { transportError } from './transport-error.js';
import type { ClientEvent } from './events.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AttemptOutcome, BackoffPolicy } from './retry.js';
import { retryDelayMs, serverRetryAfterMs, shouldRetry } from './retry.js';
import type { AttemptFailure, Exchange } from './send-exchange.js';
import { exchange, obtainToken } from './send-exchange.js';
import type { TokenProvider } from './token-provider.js';
import { fillRoute, queryString } from './route.js';
import type { SendRequest, SendResponse, Transport } from './transport.js';

/** Options of `createTransport` (validated by the client). */
export interface TransportOptions {
  readonly apiUrl: string;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly deadlineMs: number;
  readonly backoff: BackoffPolicy;
  readonly secrets: readonly string[];
  readonly onEvent?: ((event: ClientEvent) => void) | undefined;
}

type AttemptResult =
  | { readonly kind: 'success'; readonly response: SendResponse }
  | { readonly kind: 'unauthorized'; readonly token: string; readonly failure: AttemptFailure }
  | AttemptFailure;

/** The state of one call across its attempts. */
interface CallState {
  readonly request: SendRequest;
  readonly url: string;
  readonly info: { readonly method: string; readonly path: string; readonly route: string };
  attempt: number;
  deadlineAtMs: number;
  lastToken?: string;
}

/** Creates the pipeline for one API host and one token provider. */
export function createTransport(
  options: TransportOptions,
  deps: Deps,
  tokens: TokenProvider,
  limiter: RateLimiter,
): Transport {
  const { clock, logger } = deps;
  const apiBase = options.apiUrl.replace(/\/+$/, '');
  const emit = (event: ClientEvent): void => {
    options.onEvent?.(event);
  };

  /** Reports one exchange: the request event and the debug / trace log lines. */
  const report = (call: CallState, result: Exchange, token: string, durationMs: number): void => {
    const { request, url, attempt } = call;
    const status = result.kind === 'answer' ? result.response.status : 0;
    const correlationId =
      result.kind === 'answer'
        ? (result.response.headers.get('inin-correlation-id') ?? undefined)
        : undefined;
    emit({
      type: 'request',
      method: request.method,
      route: request.route,
      status,
      durationMs,
      attempt,
      ...(correlationId === undefined ? {} : { correlationId }),
    });
    logger.debug(
      { method: request.method, url, status, durationMs, attempt, correlationId },
      'genesys api exchange',
    );
    if (result.kind !== 'answer') return;
    logger.trace(
      {
        method: request.method,
        url,
        requestBody: redact(request.body, [...options.secrets, token]),
        responseBody: redact(result.body, [...options.secrets, token]),
      },
      'genesys api bodies',
    );
  };

  /**
   * reference §3: answers carry `inin-ratelimit-allowed`; an org may allow less than the default
   * 300 (180 has been seen), so the client follows a lower server limit instead of drawing 429s.
   */
  const followServerLimit = (call: CallState, headers: Headers): void => {
    const allowed = Number(headers.get('inin-ratelimit-allowed') ?? Number.NaN);
    if (!Number.isInteger(allowed) || allowed < 1) return;
    if (limiter.lowerTo(allowed)) {
      logger.info(
        { url: call.url, requestsPerMinute: limiter.limit() },
        'genesys api: following the lower rate limit the server announces',
      );
    }
  };

  /** Classifies a non-2xx answer or a failed exchange. */
  const failureOf = (call: CallState, result: Exchange, timeoutMs: number): AttemptFailure => {
    const { request, info } = call;
    if (result.kind === 'failure') {
      const error =
        result.outcome.kind === 'timeout'
          ? transportError('timeout', info, { timeoutMs })
          : transportError('network', info, { cause: result.cause });
      return { kind: 'failure', error, outcome: result.outcome, hintMs: undefined };
    }
    const { status, headers } = result.response;
    const hintMs = serverRetryAfterMs(headers, clock.nowMs(), status);
    const error = apiErrorFromResponse(status, result.body, headers, {
      ...info,
      nowMs: clock.nowMs(),
    });
    if (status === 429) {
      emit({
        type: 'rate-limited',
        method: request.method,
        route: request.route,
        ...(hintMs === undefined ? {} : { retryAfterMs: hintMs }),
      });
    }
    return { kind: 'failure', error, outcome: { kind: 'status', status }, hintMs };
  };

  /** One attempt: token, limiter slot, exchange, classification. */
  const attemptOnce = async (call: CallState): Promise<AttemptResult> => {
    const { request, url } = call;
    const obtained = await obtainToken(tokens, request);
    if ('kind' in obtained) return obtained;
    const { token } = obtained;
    call.lastToken = token;
    // Time spent queueing for the limiter is ours, not the server's: it does not use up the deadline.
    const queuedMs = clock.nowMs();
    const permit = await limiter.acquire(request.signal);
    const waitedMs = clock.nowMs() - queuedMs;
    call.deadlineAtMs += waitedMs;
    if (waitedMs > 0) {
      logger.debug(
        { method: request.method, url, waitedMs },
        'genesys api call waited for the client-side rate limit',
      );
    }
    const startedMs = clock.nowMs();
    const timeoutMs = Math.max(
      1,
      Math.min(options.requestTimeoutMs, call.deadlineAtMs - startedMs),
    );
    const result = await exchange(deps, request, url, token, timeoutMs, permit);
    report(call, result, token, clock.nowMs() - startedMs);
    if (result.kind === 'answer') followServerLimit(call, result.response.headers);
    if (result.kind === 'answer' && result.response.ok) {
      const correlationId = result.response.headers.get('inin-correlation-id') ?? undefined;
      const { status, headers } = result.response;
      return { kind: 'success', response: { status, headers, body: result.body, correlationId } };
    }
    // A 401 from /execute mirrors the tool server's answer (reference §8.3): not our token.
    if (
      result.kind === 'answer' &&
      result.response.status === 401 &&
      !isExecutionFailure(call.info, result.body)
    ) {
      return { kind: 'unauthorized', token, failure: failureOf(call, result, timeoutMs) };
    }
    return failureOf(call, result, timeoutMs);
  };

  const send = async (request: SendRequest): Promise<SendResponse> => {
    const path = fillRoute(request.route, request.params);
    const call: CallState = {
      request,
      url: `${apiBase}${path}${queryString(request.query)}`,
      info: { method: request.method, path, route: request.route },
      attempt: 0,
      deadlineAtMs: clock.nowMs() + options.deadlineMs,
    };
    let renewedAfter401 = false;
    for (;;) {
      call.attempt++;
      request.signal?.throwIfAborted();
      let result = await attemptOnce(call);
      if (result.kind === 'success') return result.response;
      if (result.kind === 'unauthorized') {
        if (!renewedAfter401) {
          // reference §1: client credentials carry no refresh token; drop it and ask again, once.
          renewedAfter401 = true;
          tokens.invalidate(result.token);
          call.attempt--;
          continue;
        }
        result = result.failure;
      }
      const { error, outcome, hintMs } = result;
      const secrets = [
        ...options.secrets,
        ...(call.lastToken === undefined ? [] : [call.lastToken]),
      ];
      if (
        call.attempt >= options.maxAttempts ||
        !shouldRetry(outcome, request.method, request.idempotent === true)
      ) {
        throw scrub(error, secrets);
      }
      const delayMs = retryDelayMs(call.attempt, hintMs, options.backoff, deps.random);
      if (clock.nowMs() + delayMs >= call.deadlineAtMs) throw scrub(error, secrets);
      await waitToRetry(call, { delayMs, hintMs, outcome });
    }
  };

  /** Emits the retry event, logs it (saying when a Retry-After was capped) and sleeps. */
  const waitToRetry = async (
    call: CallState,
    retry: {
      readonly delayMs: number;
      readonly hintMs: number | undefined;
      readonly outcome: AttemptOutcome;
    },
  ): Promise<void> => {
    const { request, url, attempt } = call;
    const { delayMs, hintMs, outcome } = retry;
    const reason = outcome.kind === 'status' ? `status ${outcome.status}` : outcome.kind;
    emit({
      type: 'retry',
      method: request.method,
      route: request.route,
      attempt,
      maxAttempts: options.maxAttempts,
      delayMs,
      reason,
    });
    logger.debug(
      {
        method: request.method,
        url,
        attempt,
        delayMs,
        reason,
        ...(hintMs !== undefined && hintMs > delayMs ? { retryAfterCappedFromMs: hintMs } : {}),
      },
      'genesys api retry',
    );
    await clock.sleep(delayMs, request.signal);
  };

  return { send };
}

// Server messages are quoted in errors; should one ever echo a secret, it is cut out here.
function scrub(error: GenesysApiError, secrets: readonly string[]): GenesysApiError {
  error.message = redactString(error.message, secrets);
  return error;
}
