/**
 * OAuth client credentials as the login host answers them (reference §1), and the bearer-token
 * check of the API host.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from './context.js';
import type { TokenRecord } from './state.js';
import { ApiFailure } from './wire.js';

/** Client id and secret from a `Basic` authorization header, or undefined when malformed. */
export function parseBasicAuth(
  header: string | undefined,
): { readonly id: string; readonly secret: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

// The body reference §1 quotes for bad credentials; its status is unclear there (401 or 400):
// the emulator answers 401, the more common reading.
const INVALID_CLIENT = {
  error: 'invalid_client',
  description: 'authentication failed',
  error_description: 'authentication failed',
} as const;

function oauthError(
  reply: FastifyReply,
  status: number,
  error: string,
  description: string,
): FastifyReply {
  return reply.code(status).send({ error, description, error_description: description });
}

/** Registers `POST /oauth/token`. */
export function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/oauth/token', async (request, reply) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(
        reply,
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    }
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const grantType = form.get('grant_type');
    if (grantType === null) {
      return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
    }
    if (grantType !== 'client_credentials') {
      return oauthError(
        reply,
        400,
        'unsupported_grant_type',
        `grant_type ${grantType} is not supported`,
      );
    }
    const credentials = parseBasicAuth(request.headers.authorization);
    const client = credentials === undefined ? undefined : ctx.clients.get(credentials.id);
    if (
      credentials === undefined ||
      client === undefined ||
      !safeEqual(client.secret, credentials.secret)
    ) {
      return reply.code(401).send(INVALID_CLIENT);
    }
    ctx.info(request).clientId = client.id;
    const token = randomBytes(32).toString('base64url');
    const nowMs = ctx.deps.clock.nowMs();
    const record: TokenRecord = {
      token,
      clientId: client.id,
      expiresAtMs: nowMs + client.tokenLifetimeSeconds * 1000,
    };
    pruneExpired(ctx.store.state.tokens, nowMs);
    ctx.store.state.tokens.set(token, record);
    ctx.store.save();
    return reply
      .header('cache-control', 'no-store')
      .send({ access_token: token, token_type: 'bearer', expires_in: client.tokenLifetimeSeconds });
  });
}

/**
 * The token record of a request's `Authorization: Bearer` header.
 * @throws ApiFailure 401 authentication.required (no bearer token) or bad.credentials (unknown
 * or expired token).
 */
export function authenticate(
  header: string | undefined,
  tokens: ReadonlyMap<string, TokenRecord>,
  nowMs: number,
): TokenRecord {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new ApiFailure(
      401,
      'authentication.required',
      'No authentication bearer token specified in authorization header.',
    );
  }
  const record = tokens.get(match[1]);
  if (record === undefined || record.expiresAtMs <= nowMs) {
    throw new ApiFailure(401, 'bad.credentials', 'Invalid login credentials.');
  }
  return record;
}

function pruneExpired(tokens: Map<string, TokenRecord>, nowMs: number): void {
  for (const [key, record] of tokens) if (record.expiresAtMs <= nowMs) tokens.delete(key);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
