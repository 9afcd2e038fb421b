/**
 * Process and runtime metrics from maintained OpenTelemetry packages, on the telemetry instance's
 * own MeterProvider (never the global one): process CPU time and resident memory from
 * `@opentelemetry/host-metrics` (its process groups only: the host's own CPU, memory and network
 * are the node exporter's job), event-loop delay and utilisation, GC pauses and heap spaces from
 * `@opentelemetry/instrumentation-runtime-node`. Neither package alone covers all four.
 */
import { HostMetrics } from '@opentelemetry/host-metrics';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The running collectors of one telemetry instance. */
export interface RuntimeMetrics {
  /** Stops the event-loop and GC monitors (the host metrics stop with their MeterProvider). */
  stop(): void;
}

/** Event-loop delay histogram resolution in milliseconds (the instrumentation's default). */
const EVENT_LOOP_PRECISION_MS = 10;

/** Starts the process and runtime collectors on `meterProvider`. */
export function startRuntimeMetrics(meterProvider: MeterProvider): RuntimeMetrics {
  const host = new HostMetrics({
    meterProvider,
    name: 'genesys-tools-process',
    metricGroups: ['process.cpu', 'process.memory'],
  });
  host.start();
  const runtime = new RuntimeNodeInstrumentation({
    enabled: false,
    monitoringPrecision: EVENT_LOOP_PRECISION_MS,
  });
  runtime.setMeterProvider(meterProvider);
  runtime.enable();
  return {
    stop: () => {
      runtime.disable();
    },
  };
}
