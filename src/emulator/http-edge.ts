/**
 * The emulator's HTTP edge: JSON and form parsers, and every failure (ours, Fastify's parser and
 * body-limit errors, unknown routes, malformed URLs) answered as a Genesys `ErrorBody` with its
 * `ININ-Correlation-Id` (reference §4); the emulator never answers with Fastify's default body.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.js';
import { splitUrl } from './request-hooks.js';
import { ApiFailure } from './wire.js';

/** Largest request body the platform accepts (reference §3 `request.bytes.max`). */
export const MAX_BODY_BYTES = 512_000;

/**
 * Fastify's `frameworkErrors`: errors Fastify raises before any hook runs (a malformed URL),
 * still answered as a Genesys ErrorBody.
 */
export function answerFrameworkError(error: Error, reply: FastifyReply): void {
  const correlationId = randomUUID();
  const body = new ApiFailure(400, 'bad.request', error.message).toBody(correlationId);
  reply.hijack();
  reply.raw.writeHead(400, {
    'content-type': 'application/json; charset=utf-8',
    'ININ-Correlation-Id': correlationId,
  });
  reply.raw.end(JSON.stringify(body));
}

/** Replaces Fastify's body parsers: JSON (any `+json` type), form bodies for the token endpoint. */
export function installParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text) as unknown);
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'parse error';
        done(
          new ApiFailure(400, 'bad.request', `The request body is not valid JSON: ${reason}`),
          undefined,
        );
      }
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')));
    },
  );
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

// Fastify's own failures (parsers, body limit, media type) mapped to Genesys codes; the emulator
// never answers with Fastify's default body.
function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ApiFailure(
          413,
          'request.entity.too.large',
          `The request body is larger than the maximum of ${String(MAX_BODY_BYTES)} bytes.`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        // Reference §4 also lists 415 unsupported.media.type; issue 4 asks for a 400 here.
        return new ApiFailure(
          400,
          'bad.request',
          'The request body must be sent as application/json.',
          {
            details: [{ errorCode: 'UNSUPPORTED_MEDIA_TYPE', fieldName: 'Content-Type' }],
          },
        );
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new ApiFailure(
          400,
          'bad.request',
          `The request body is not valid: ${error.message}`,
        );
      default:
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return new ApiFailure(400, 'bad.request', error.message);
        }
    }
  }
  return new ApiFailure(
    500,
    'internal.server.error',
    'The server encountered an unexpected condition.',
  );
}

/** Answers every error and unknown route as a Genesys ErrorBody. */
export function installErrorHandling(app: FastifyInstance, ctx: EmulatorContext): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = toApiFailure(error);
    if (failure.status === 500 && !(error instanceof ApiFailure)) {
      ctx.deps.logger.error({ err: error, url: request.url }, 'emulator route failed');
    }
    const correlationId = requestsCorrelation(ctx, request);
    return reply
      .code(failure.status)
      .header('ININ-Correlation-Id', correlationId)
      .headers(failure.extras.headers ?? {})
      .type('application/json')
      .send(failure.toBody(correlationId));
  });
  app.setNotFoundHandler(async (request, reply) => {
    const correlationId = requestsCorrelation(ctx, request);
    const { path } = splitUrl(request.url);
    return reply
      .code(404)
      .header('ININ-Correlation-Id', correlationId)
      .send(
        new ApiFailure(404, 'not.found', `No resource at ${request.method} ${path}`).toBody(
          correlationId,
        ),
      );
  });
}

function requestsCorrelation(ctx: EmulatorContext, request: FastifyRequest): string {
  try {
    return ctx.info(request).correlationId;
  } catch {
    return randomUUID();
  }
}
