import type { ErrorFamily, ErrorCode } from '../errors.js';
import { ERROR_CATALOGUE } from '../errors.js';

/**
 * Process exit codes of the CLI, one meaning each (Terraform's `-detailed-exitcode`): 0 nothing
 * to do or success, 1 any error (usage, configuration, API, sync), 2 only for "there are
 * changes". A usage error must not look like "changes present" to a CI step that accepts 2.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** `plan --detailed-exitcode` when there are changes; never an error. */
  changes: 2,
} as const;

const FAMILY_EXIT = {
  config: EXIT.failure,
  definition: EXIT.failure,
  genesys: EXIT.failure,
  sync: EXIT.failure,
  binding: EXIT.failure,
  invocation: EXIT.failure,
  audit: EXIT.failure,
  emulator: EXIT.failure,
} as const satisfies Record<ErrorFamily, number>;

/** The exit code for an error code: every error family exits 1 (2 means "changes"). */
export function exitCodeFor(code: ErrorCode): number {
  return FAMILY_EXIT[ERROR_CATALOGUE[code].family];
}
