/**
 * Caller authentication (DESIGN "Caller authentication"): what Genesys data actions can send — a
 * static bearer token or API-key header (User Defined credential) and Basic auth — plus Standard
 * Webhooks HMAC signatures for gateways that sign. Several secrets may be active at once, so they
 * can be rotated without downtime. Every comparison is constant-time.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../deps.js';
import { basicAuthSecrets } from '../redact.js';
import type { ResolvedAuthOptions } from './options.js';
import type { SharedState } from './shared-state.js';

type HeaderValue = string | readonly string[] | undefined;
/** Incoming headers, lower-case names (Node's `IncomingHttpHeaders` satisfies it). */
export type Headers = Readonly<Record<string, HeaderValue>>;

/** Why a call was refused; the reason goes to the log, never to the caller. */
export type AuthRefusal =
  | 'missing-credentials'
  | 'wrong-credentials'
  | 'bad-signature'
  | 'stale-signature'
  | 'replayed-signature'
  | 'malformed-signature'
  /** The replay cache is in the shared store and the store cannot answer: refused (fail closed). */
  | 'replay-store-unavailable';

/** The outcome of checking a call's credentials. */
export type AuthResult =
  | {
      readonly ok: true;
      readonly method: 'bearer' | 'api-key' | 'basic' | 'signature' | 'none';
      /**
       * A label of the accepted credential for refusal summaries: the method, and for a bearer
       * token, API key or Basic pair its 1-based position in the configured list (`bearer:2`).
       * Never the secret.
       */
      readonly caller: string;
    }
  | { readonly ok: false; readonly reason: AuthRefusal };

// One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call, same digest as createHash.
const sha256 = (value: string | Buffer): Buffer => hash('sha256', value, 'buffer');

/**
 * True when `candidate` equals one of the accepted digests. Both sides are SHA-256 digests, so
 * the comparison takes the same time whatever the lengths, and every entry is compared (no early
 * exit that would tell which one matched).
 */
export function matchesAnyDigest(candidate: string, accepted: readonly Buffer[]): boolean {
  return matchingDigest(candidate, accepted) > 0;
}

/**
 * The 1-based position of the accepted digest `candidate` matches, 0 for none; as constant-time
 * as `matchesAnyDigest` (every entry is compared, no early exit). The position makes the caller's
 * label (`bearer:2`), which tells which of several rotated secrets a caller still uses.
 */
function matchingDigest(candidate: string, accepted: readonly Buffer[]): number {
  const digest = sha256(candidate);
  let found = 0;
  for (let i = 0; i < accepted.length; i++) {
    const entry = accepted[i];
    if (entry !== undefined && timingSafeEqual(digest, entry) && found === 0) found = i + 1;
  }
  return found;
}

function single(value: HeaderValue): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Splits `Authorization` into scheme (lower-case) and credentials. */
export function parseAuthorization(
  header: string | undefined,
): { readonly scheme: string; readonly credentials: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { scheme: match[1].toLowerCase(), credentials: match[2] };
}

/** Decodes the key of a Standard Webhooks secret (`whsec_` + base64). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** The Standard Webhooks headers of one call. */
export interface SignatureHeaders {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
}

/** Reads `webhook-id`, `webhook-timestamp`, `webhook-signature`; undefined when none is present. */
export function signatureHeaders(headers: Headers): SignatureHeaders | 'partial' | undefined {
  const id = single(headers['webhook-id']);
  const timestamp = single(headers['webhook-timestamp']);
  const signature = single(headers['webhook-signature']);
  if (id === undefined && timestamp === undefined && signature === undefined) return undefined;
  if (id === undefined || timestamp === undefined || signature === undefined) return 'partial';
  return { id, timestamp, signature };
}

/**
 * Checks a Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with
 * any of the keys, and a timestamp within `toleranceSeconds` of now (both directions, as the
 * spec's reference libraries do). Pure; the replay check is the caller's.
 */
export function verifySignature(
  keys: readonly Buffer[],
  input: { readonly headers: SignatureHeaders; readonly body: string },
  check: { readonly nowMs: number; readonly toleranceSeconds: number },
): 'ok' | 'bad-signature' | 'stale-signature' | 'malformed-signature' {
  const { id, timestamp, signature } = input.headers;
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed-signature';
  const nowSeconds = Math.floor(check.nowMs / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > check.toleranceSeconds) return 'stale-signature';
  const offered = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  if (offered.length === 0) return 'malformed-signature';
  const content = `${id}.${timestamp}.${input.body}`;
  let found = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(content).digest();
    for (const o of offered) {
      found = (o.length === expected.length && timingSafeEqual(o, expected)) || found;
    }
  }
  return found ? 'ok' : 'bad-signature';
}

/** Remembers webhook ids for a time, bounded in size: the oldest id is forgotten first. */
export interface ReplayCache {
  /** Records `id`; false when it was already seen and has not expired. */
  remember(id: string, nowMs: number): boolean;
  readonly size: number;
}

/** Builds a replay cache holding at most `maxEntries` ids for `ttlMs` each. */
export function createReplayCache(maxEntries: number, ttlMs: number): ReplayCache {
  // A Map iterates in insertion order, and entries are inserted with growing expiry times, so the
  // first entries are always the oldest: expiry and eviction both pop from the front.
  const expiries = new Map<string, number>();
  const prune = (nowMs: number): void => {
    for (const [id, until] of expiries) {
      if (until > nowMs && expiries.size < maxEntries) return;
      expiries.delete(id);
    }
  };
  return {
    remember: (id, nowMs) => {
      const until = expiries.get(id);
      if (until !== undefined && until > nowMs) return false;
      expiries.delete(id);
      prune(nowMs);
      expiries.set(id, nowMs + ttlMs);
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
}

/** The server's authenticator, built once from the options. */
export interface CallerAuth {
  /**
   * Checks header credentials before the body is read. `needs-body` means the call is signed and
   * must be checked with `checkSignature` once the raw body is there.
   */
  checkHeaders(headers: Headers): AuthResult | 'needs-body';
  /**
   * Checks a signed call against its raw body and remembers its id: at once with the in-process
   * replay cache, through a promise with the shared one.
   */
  checkSignature(headers: Headers, rawBody: string): AuthResult | Promise<AuthResult>;
  /** The secrets, for redaction of anything that might echo them. */
  readonly secrets: readonly string[];
}

/** Builds the authenticator; secrets are hashed or decoded once here. */
export function createCallerAuth(
  options: ResolvedAuthOptions & {
    readonly toleranceSeconds: number;
    readonly replayCacheSize: number;
  },
  clock: Clock,
  shared?: SharedState,
): CallerAuth {
  const bearer = options.bearerTokens.map(sha256);
  const basic = options.basicAuth.map(sha256);
  const keys = options.signingSecrets.map(signingKey);
  // An id older than the tolerance is refused as stale anyway, so it need not be remembered longer.
  const replayTtlMs = 2 * options.toleranceSeconds * 1000;
  const replay = createReplayCache(options.replayCacheSize, replayTtlMs);

  /**
   * The shared replay cache fails closed: accepting a signed call whose id no replica can check
   * would let a captured message be replayed for the whole tolerance (README "Several replicas").
   */
  const rememberShared = async (store: SharedState, id: string): Promise<AuthResult> => {
    let first: boolean;
    try {
      // The id is the caller's string: hashed, so the key has a fixed length.
      first = await store.rememberOnce(sha256(id).toString('hex'), replayTtlMs);
    } catch {
      store.storeDownCall({ use: 'replay', action: 'refused' });
      return { ok: false, reason: 'replay-store-unavailable' };
    }
    return first
      ? { ok: true, method: 'signature', caller: 'signature' }
      : { ok: false, reason: 'replayed-signature' };
  };

  // The results are built once: an accepted call allocates no verdict object.
  const accepted = (method: 'bearer' | 'api-key' | 'basic', count: number): AuthResult[] =>
    Array.from({ length: count }, (_v, i) => ({ ok: true, method, caller: `${method}:${i + 1}` }));
  const bearerOk = accepted('bearer', bearer.length);
  const apiKeyOk = accepted('api-key', bearer.length);
  const basicOk = accepted('basic', basic.length);
  const WRONG: AuthResult = { ok: false, reason: 'wrong-credentials' };
  const NONE: AuthResult = { ok: true, method: 'none', caller: 'none' };
  const pick = (results: readonly AuthResult[], position: number): AuthResult =>
    results[position - 1] ?? WRONG;

  const checkHeaders = (headers: Headers): AuthResult | 'needs-body' => {
    if (options.insecureNoAuth) return NONE;
    const auth = parseAuthorization(single(headers.authorization));
    if (auth?.scheme === 'bearer' && bearer.length > 0) {
      return pick(bearerOk, matchingDigest(auth.credentials, bearer));
    }
    if (auth?.scheme === 'basic' && basic.length > 0) {
      const decoded = Buffer.from(auth.credentials, 'base64').toString('utf8');
      return pick(basicOk, matchingDigest(decoded, basic));
    }
    if (options.apiKeyHeader !== undefined && bearer.length > 0) {
      const key = single(headers[options.apiKeyHeader]);
      if (key !== undefined) return pick(apiKeyOk, matchingDigest(key, bearer));
    }
    const signed = signatureHeaders(headers);
    if (signed !== undefined && keys.length > 0) {
      return signed === 'partial' ? { ok: false, reason: 'malformed-signature' } : 'needs-body';
    }
    return auth === undefined
      ? { ok: false, reason: 'missing-credentials' }
      : { ok: false, reason: 'wrong-credentials' };
  };

  const checkSignature = (headers: Headers, rawBody: string): AuthResult | Promise<AuthResult> => {
    const signed = signatureHeaders(headers);
    if (signed === undefined || signed === 'partial') {
      return { ok: false, reason: 'malformed-signature' };
    }
    const nowMs = clock.nowMs();
    const verdict = verifySignature(
      keys,
      { headers: signed, body: rawBody },
      { nowMs, toleranceSeconds: options.toleranceSeconds },
    );
    if (verdict !== 'ok') return { ok: false, reason: verdict };
    // Remember the id only once the signature is proven, so forged calls cannot fill the cache.
    if (shared !== undefined) return rememberShared(shared, signed.id);
    if (!replay.remember(signed.id, nowMs)) return { ok: false, reason: 'replayed-signature' };
    return { ok: true, method: 'signature', caller: 'signature' };
  };

  return {
    checkHeaders,
    checkSignature,
    secrets: [
      ...options.bearerTokens,
      ...options.basicAuth.flatMap(basicAuthSecrets),
      ...options.signingSecrets,
    ],
  };
}
