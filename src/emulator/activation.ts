/**
 * The reported state of integrations while they are being enabled (reference §7.0: `reportedState`
 * `{code: ACTIVE|ACTIVATING|INACTIVE|DEACTIVATING|ERROR}`).
 */
import type { IntegrationRecord } from './state.js';

/** `reportedState.code` values the emulator answers (reference §7.0). */
export type ReportedCode = 'ACTIVE' | 'ACTIVATING' | 'INACTIVE';

/** The settled reported state of an integration: what its intended state leads to. Pure. */
export function settledCode(record: IntegrationRecord): ReportedCode {
  return record.intendedState === 'ENABLED' ? 'ACTIVE' : 'INACTIVE';
}

/**
 * Enabling is not instant on the platform: `reportedState` goes through `ACTIVATING` (reference
 * §7.0). The emulator answers `ACTIVATING` in the PATCH that enables and in the next single GET,
 * then `ACTIVE`; a counter rather than the clock, so a test with a frozen fake clock still sees
 * the integration become active.
 */
export interface Activation {
  /** Notes a PATCH from DISABLED to ENABLED. */
  enabled(id: string): void;
  /** The code to show now; `consume` counts a single GET. */
  code(record: IntegrationRecord, consume: 'read' | 'peek'): ReportedCode;
}

/** Creates the activation bookkeeping of one emulator. */
export function createActivation(): Activation {
  const pendingReads = new Map<string, number>();
  return {
    enabled: (id) => {
      pendingReads.set(id, 1);
    },
    code: (record, consume) => {
      const left = pendingReads.get(record.id);
      if (left === undefined || record.intendedState !== 'ENABLED') return settledCode(record);
      if (consume === 'read') {
        if (left <= 1) pendingReads.delete(record.id);
        else pendingReads.set(record.id, left - 1);
      }
      return 'ACTIVATING';
    },
  };
}
