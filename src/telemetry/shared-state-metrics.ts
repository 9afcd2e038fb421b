/**
 * Metrics of the replicas' shared state (issue 16 §1): whether the store (Redis) answers, and the
 * calls that found it down, by what they needed it for and what the policy did. Prometheus names:
 * `genesys_tools_shared_state_up`, `genesys_tools_shared_state_store_down_calls_total`.
 */
import type { Meter } from '@opentelemetry/api';
import { ATTR, toolLabel } from './labels.js';

/** The server's `SharedStateEvent`, structurally (this room imports nothing of ours). */
export type SharedStateEvent =
  | { readonly type: 'store'; readonly up: boolean }
  | {
      readonly type: 'store-down-call';
      readonly use: 'rate-limit' | 'replay';
      readonly action: 'local-share' | 'refused';
      readonly tool?: string;
    };

/** Attribute names of these metrics. */
const USE = 'genesys_tools.shared_state.use';
const ACTION = 'genesys_tools.shared_state.action';

/**
 * Builds the instruments on `meter` and returns the event listener. The gauge has no value until
 * a shared store is configured, so a server without Redis exports no `shared_state_up` series.
 */
export function createSharedStateInstruments(
  meter: Meter,
  served: ReadonlySet<string>,
): (event: SharedStateEvent) => void {
  const state: { up: number | undefined } = { up: undefined };
  meter
    .createObservableGauge('genesys_tools.shared_state.up', {
      description: 'Whether the shared state store (Redis) answers: 1 up, 0 down.',
    })
    .addCallback((result) => {
      if (state.up !== undefined) result.observe(state.up);
    });
  const downCalls = meter.createCounter('genesys_tools.shared_state.store_down_calls', {
    description:
      'Calls that found the shared state store down: served from the replica share (rate limit, local-share) or refused.',
  });
  return (event) => {
    switch (event.type) {
      case 'store':
        state.up = event.up ? 1 : 0;
        return;
      case 'store-down-call':
        downCalls.add(1, {
          [USE]: event.use,
          [ACTION]: event.action,
          ...(event.tool === undefined ? {} : { [ATTR.tool]: toolLabel(event.tool, served) }),
        });
        return;
    }
  };
}
