/**
 * The shapes of one emulated data-action run: what it needs, the steps it records for `/test`
 * and its outcome.
 */
import type { Deps } from '../deps.js';
import type { SchemaCompiler } from './schema-compiler.js';
import type { ActionBody, ActionConfig, CredentialRecord } from './state.js';
import type { ApiFailure } from './wire.js';

/** One step of a run, as `TestExecutionResult.operations[]` shows it. */
export interface Operation {
  readonly step: number;
  readonly name: string;
  readonly success: boolean;
  readonly result?: unknown;
  readonly error?: ApiFailure;
}

/** A run's steps and its outcome. */
export interface RunResult {
  readonly operations: readonly Operation[];
  readonly outcome:
    | { readonly ok: true; readonly output: unknown }
    | { readonly ok: false; readonly failure: ApiFailure };
}

/** What a run needs. */
export interface RunInput {
  readonly action: ActionBody;
  readonly config: ActionConfig;
  readonly body: unknown;
  readonly credential: CredentialRecord | undefined;
  readonly correlationId: string;
  readonly organizationId: string;
  readonly deps: Pick<Deps, 'clock' | 'fetch'>;
  readonly schemas: SchemaCompiler;
}
