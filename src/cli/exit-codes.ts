import type { ErrorFamily, ErrorCode } from '../errors.js';
import { ERROR_CATALOGUE } from '../errors.js';

/** Process exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** Usage errors; and `plan --detailed-exitcode` when there are changes (Terraform's convention). */
  usage: 2,
  changes: 2,
} as const;

const FAMILY_EXIT = {
  config: EXIT.usage,
  definition: EXIT.failure,
  genesys: EXIT.failure,
  sync: EXIT.failure,
  binding: EXIT.failure,
  invocation: EXIT.failure,
  audit: EXIT.failure,
  emulator: EXIT.failure,
} as const satisfies Record<ErrorFamily, number>;

/** The exit code for an error code: usage errors 2, everything else 1. */
export function exitCodeFor(code: ErrorCode): number {
  return FAMILY_EXIT[ERROR_CATALOGUE[code].family];
}
