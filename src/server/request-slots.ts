/**
 * What the server keeps on each request, as Fastify request decorations: declared once at start,
 * so every request object has the same shape, and read as a field rather than looked up in a
 * WeakMap keyed by the request.
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
