/**
 * Prometheus names for instruments whose OpenTelemetry name carries no unit. The exporter keeps
 * the instrument's name (dots become underscores, counters get `_total`) and puts the unit only in
 * a `# UNIT` line; Prometheus users expect the base unit in the name (`_seconds`, `_bytes`), as
 * Prometheus' own OTLP translation does. A view per instrument renames it for the exposition
 * only: the instruments keep their semantic-convention names. A test fails when an instrument with
 * unit `s` or `By` reaches `/metrics` without its suffix, so a new one cannot slip past this table.
 */
import type { ViewOptions } from '@opentelemetry/sdk-metrics';

/** Instrument name → the name it is exposed under (before the exporter adds `_total`). */
export const UNIT_SUFFIXED_NAMES = {
  // Ours (metrics.ts, client-metrics.ts).
  'http.server.request.duration': 'http.server.request.duration_seconds',
  'genesys_tools.client.request.duration': 'genesys_tools.client.request.duration_seconds',
  // @opentelemetry/host-metrics, groups process.cpu and process.memory.
  'process.cpu.time': 'process.cpu.time_seconds',
  'process.memory.usage': 'process.memory.usage_bytes',
  // @opentelemetry/instrumentation-runtime-node.
  'nodejs.eventloop.delay.min': 'nodejs.eventloop.delay.min_seconds',
  'nodejs.eventloop.delay.max': 'nodejs.eventloop.delay.max_seconds',
  'nodejs.eventloop.delay.mean': 'nodejs.eventloop.delay.mean_seconds',
  'nodejs.eventloop.delay.stddev': 'nodejs.eventloop.delay.stddev_seconds',
  'nodejs.eventloop.delay.p50': 'nodejs.eventloop.delay.p50_seconds',
  'nodejs.eventloop.delay.p90': 'nodejs.eventloop.delay.p90_seconds',
  'nodejs.eventloop.delay.p99': 'nodejs.eventloop.delay.p99_seconds',
  'nodejs.eventloop.time': 'nodejs.eventloop.time_seconds',
  'v8js.gc.duration': 'v8js.gc.duration_seconds',
  'v8js.memory.heap.space.size': 'v8js.memory.heap.space.size_bytes',
  'v8js.memory.heap.used': 'v8js.memory.heap.used_bytes',
  'v8js.memory.heap.space.available_size': 'v8js.memory.heap.space.available_size_bytes',
  'v8js.memory.heap.space.physical_size': 'v8js.memory.heap.space.physical_size_bytes',
} as const satisfies Readonly<Record<string, string>>;

/** One renaming view per entry of `UNIT_SUFFIXED_NAMES`. Pure. */
export function unitSuffixViews(): ViewOptions[] {
  return Object.entries(UNIT_SUFFIXED_NAMES).map(([instrumentName, name]) => ({
    instrumentName,
    name,
  }));
}
