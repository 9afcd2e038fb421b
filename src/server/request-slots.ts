/**
 * What the server keeps on each request, as Fastify request decorations: declared once at start,
 * so every request object has the same shape. WeakMaps keyed by request did the same job at a cost:
 * their entries kept each request's objects alive through young-generation GCs, so V8 promoted
 * them to the old generation (bench/server.ts, `--trace-gc`).
 */
import type { FastifyInstance } from 'fastify';
import type { CallState } from './call-outcome.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received, kept for signature checks; null until the body is read. */
    rawBody: string | null;
    /** The invocation this request carries; null outside the invocation route. */
    invocation: CallState | null;
  }
}

/** Declares the slots on `app`; call once, before any route. */
export function declareRequestSlots(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  app.decorateRequest('invocation', null);
}
