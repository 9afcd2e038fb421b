import { describe, expect, it, onTestFinished } from 'vitest';
import { createTelemetry } from '../../src/telemetry/index.js';

async function telemetry() {
  const t = await createTelemetry({ toolNames: ['check_inventory'], metricsPort: false });
  onTestFinished(() => t.shutdown());
  return t;
}

const lines = (text: string): string[] =>
  text.split('\n').filter((l) => l.startsWith('genesys_tools_shared_state'));

describe('shared state metrics', () => {
  it('export no shared-state series while no store is configured', async () => {
    const t = await telemetry();
    expect(lines(await t.collectPrometheusText())).toEqual([]);
  });

  it('export the store state and the calls that found it down, with bounded labels', async () => {
    const t = await telemetry();
    t.onSharedStateEvent({ type: 'store', up: true });
    t.onSharedStateEvent({ type: 'store', up: false });
    const down = { type: 'store-down-call', use: 'rate-limit', action: 'local-share' } as const;
    t.onSharedStateEvent({ ...down, tool: 'check_inventory' });
    t.onSharedStateEvent({ ...down, tool: 'check_inventory' });
    t.onSharedStateEvent({ ...down, tool: 'not-served' });
    t.onSharedStateEvent({ type: 'store-down-call', use: 'replay', action: 'refused' });
    const text = lines(await t.collectPrometheusText());
    expect(text).toContainEqual(
      expect.stringMatching(/^genesys_tools_shared_state_up(\{[^}]*\})? 0$/),
    );
    const calls = text.filter((l) =>
      l.startsWith('genesys_tools_shared_state_store_down_calls_total'),
    );
    expect(calls).toHaveLength(3);
    expect(calls).toContainEqual(
      expect.stringMatching(/gen_ai_tool_name="check_inventory".*\} 2$/),
    );
    expect(calls).toContainEqual(expect.stringMatching(/gen_ai_tool_name="_unknown".*\} 1$/));
    expect(calls).toContainEqual(
      expect.stringMatching(/genesys_tools_shared_state_use="replay".*\} 1$/),
    );
  });
});
