/**
 * What every route module of the emulator receives: options, clients, the store, the deps and
 * per-request information (correlation id, the authenticated client).
 */
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import type { ParsedEmulatorOptions } from './options.js';
import type { SchemaCompiler } from './schema-compiler.js';
import type { Store } from './store.js';

/** A configured OAuth client after defaults. */
export interface ClientRecord {
  readonly id: string;
  readonly secret: string;
  /** Undefined: every permission. */
  readonly permissions: ReadonlySet<string> | undefined;
  readonly tokenLifetimeSeconds: number;
}

/** What the emulator knows about one request while it runs. */
export interface RequestInfo {
  readonly correlationId: string;
  clientId?: string;
}

/** Shared by the route modules of one emulator. */
export interface EmulatorContext {
  readonly options: ParsedEmulatorOptions;
  readonly clients: Map<string, ClientRecord>;
  readonly store: Store;
  readonly deps: Deps;
  /** Validators of contract schemas, cached. */
  readonly schemas: SchemaCompiler;
  /** Per-request information; set by the first hook. */
  info(request: FastifyRequest): RequestInfo;
  /**
   * Checks that the request's client holds `permission`.
   * @throws ApiFailure 403 missing.any.permissions naming the permission.
   */
  requirePermission(request: FastifyRequest, permission: string): void;
  /** A new unique id for an entity. */
  newId(): string;
}
