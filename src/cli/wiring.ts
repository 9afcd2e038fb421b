/**
 * Wiring shared by `serve` and `demo`: the redacting logger, telemetry (metrics, traces), the
 * audit log and the remote-status provider, joined to the execution server through its seams.
 * Only the CLI wires rooms together (DESIGN "Layout").
 */
import { resolve } from 'node:path';
import type { EnvConfig } from '../config.js';
import { auditFileOf } from '../config.js';
import type { Logger } from '../deps.js';
import { systemClock } from '../deps.js';
import { basicAuthSecrets } from '../redact.js';
import type { ToolDefinition } from '../definition/index.js';
import type { Registry } from '../registry/index.js';
import type { RemoteStatusProvider } from '../server/index.js';
import { createCachedStatusProvider } from '../server/index.js';
import type { AuditExporter, AuditLog, Telemetry } from '../telemetry/index.js';
import {
  createAuditExporter,
  createAuditLog,
  createLogger,
  createTelemetry,
} from '../telemetry/index.js';
import type { CliContext } from './context.js';
import { redisUrlSecrets } from './shared-state.js';

/** What the server is wired to. */
export interface ServerWiring {
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly auditLog: AuditLog;
  readonly auditFile: string;
  readonly remoteStatus?: RemoteStatusProvider;
  /** Flushes and closes what the wiring opened; called after the server has drained. */
  close(): Promise<void>;
}

export interface WiringOptions {
  readonly tools: readonly ToolDefinition[];
  /** Port of the Prometheus endpoint; false for none. */
  readonly metricsPort: number | false;
  readonly metricsHost?: string;
  /** Audit file, relative to the context's cwd; `{instance}` in it becomes the instance id. */
  readonly auditFile?: string;
  /** `fsync` or `write` (issue 18); default the environment's (GENESYS_TOOLS_AUDIT_DURABILITY). */
  readonly auditDurability?: 'fsync' | 'write';
  /** With `write` durability: the most time between a record's write and its fsync. */
  readonly auditFsyncIntervalMs?: number;
  /** Audit retention: most files kept (current included) and most bytes over all; 0: no limit. */
  readonly auditMaxFiles?: number;
  readonly auditMaxBytes?: number;
  /**
   * The org's registry, for the registry endpoint's version and status; a function, since the
   * registry needs the server's URL and so may exist only after the server listens.
   */
  readonly registry?: () => Registry | undefined;
  /** Extra strings to scrub from every log line (tokens made at run time). */
  readonly secrets?: readonly string[];
}

/** The redacting pino logger on stderr, scrubbing every configured secret. */
export function cliLogger(
  ctx: CliContext,
  env: EnvConfig,
  extraSecrets: readonly string[] = [],
): Logger {
  const secrets = [
    ...env.bearerTokens,
    ...env.basicAuth.flatMap(basicAuthSecrets),
    ...env.signingSecrets,
    ...(env.clientSecret === undefined ? [] : [env.clientSecret]),
    ...(env.auditHmacKey === undefined ? [] : [env.auditHmacKey]),
    ...redisUrlSecrets(env.redisUrl),
    ...extraSecrets,
  ];
  return createLogger({
    level: env.logLevel,
    destination: ctx.logStream ?? {
      write: (line: string) => {
        ctx.stderr(line);
      },
    },
    secrets,
  });
}

/**
 * Opens telemetry and the audit log for a server of `tools`.
 * @throws Error when the metrics port is taken; AuditError when the audit file cannot be opened.
 */
export async function wireServer(
  ctx: CliContext,
  env: EnvConfig,
  options: WiringOptions,
): Promise<ServerWiring> {
  const logger = cliLogger(ctx, env, options.secrets);
  const telemetry = await createTelemetry(
    {
      toolNames: options.tools.map((t) => t.name),
      toolPolicies: options.tools.map((t) => ({
        name: t.name,
        timeoutMs: t.timeoutMs,
        requestsPerMinute: t.rateLimit.requestsPerMinute,
        burstSize: t.rateLimit.burstSize,
      })),
      metricsPort: options.metricsPort,
      ...(options.metricsHost === undefined ? {} : { metricsHost: options.metricsHost }),
      ...(env.serviceName === undefined ? {} : { serviceName: env.serviceName }),
      ...(env.otlpEndpoint === undefined
        ? {}
        : { traceExporter: 'otlp' as const, otlpEndpoint: env.otlpEndpoint }),
    },
    { logger },
  );
  const { instanceId } = env;
  const auditFile = resolve(ctx.cwd, auditFileOf(options.auditFile ?? env.auditFile, instanceId));
  const exporter: AuditExporter | undefined =
    env.otlpLogsEndpoint === undefined
      ? undefined
      : createAuditExporter({
          url: env.otlpLogsEndpoint,
          serviceName: env.serviceName ?? 'genesys-tools',
          instanceId,
        });
  let auditLog: AuditLog;
  try {
    auditLog = await createAuditLog(
      {
        file: auditFile,
        instanceId,
        durability: options.auditDurability ?? env.auditDurability,
        ...(options.auditFsyncIntervalMs === undefined
          ? {}
          : { fsyncIntervalMs: options.auditFsyncIntervalMs }),
        ...(env.auditHmacKey === undefined ? {} : { hmacKey: env.auditHmacKey }),
        ...(options.auditMaxFiles === undefined ? {} : { maxFiles: options.auditMaxFiles }),
        ...(options.auditMaxBytes === undefined ? {} : { maxTotalBytes: options.auditMaxBytes }),
      },
      {
        logger,
        onEvent: telemetry.onAuditEvent,
        ...(exporter === undefined ? {} : { onRecords: exporter.onRecords }),
      },
    );
  } catch (error) {
    await exporter?.shutdown();
    await telemetry.shutdown();
    throw error;
  }
  const registryOf = options.registry;
  const remoteStatus =
    registryOf === undefined
      ? undefined
      : createCachedStatusProvider(
          async () => {
            const registry = registryOf();
            if (registry === undefined) throw new Error('the registry is not ready yet');
            const entries = await registry.list(
              options.tools.map((t) => t.name),
              {},
            );
            const out: Record<string, { version: string | number; status: string }> = {};
            for (const e of entries) {
              if (!e.managed) continue;
              out[e.name] = { version: e.version ?? 'unknown', status: e.status ?? 'unknown' };
            }
            return out;
          },
          { ttlMs: 30_000 },
          systemClock,
        );
  return {
    logger,
    telemetry,
    auditLog,
    auditFile,
    ...(remoteStatus === undefined ? {} : { remoteStatus }),
    close: async () => {
      await auditLog.close();
      await exporter?.shutdown();
      await telemetry.shutdown();
    },
  };
}
