import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from '../../src/deps.js';
import { auditLogFiles, createAuditLog } from '../../src/telemetry/audit-log.js';
import type { AuditEvent } from '../../src/telemetry/audit-log.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { tempDir } from '../support/temp-dir.js';

const KEY = 'retention-hmac-key-0123456789abcdefg';

function lineLogger(): Logger & {
  readonly lines: { msg: string; obj: Record<string, unknown> }[];
} {
  const lines: { msg: string; obj: Record<string, unknown> }[] = [];
  const at = (obj: Record<string, unknown>, msg?: string): void => {
    lines.push({ msg: msg ?? '', obj });
  };
  const logger: Logger = {
    trace: at,
    debug: at,
    info: at,
    warn: at,
    error: at,
    child: () => logger,
  };
  return Object.assign(logger, { lines });
}

function entry(n: number) {
  return {
    time: '2026-01-01T00:00:00.000Z',
    invocationId: `inv-${n}`,
    tool: 'check_inventory',
    parameters: { n },
    outcome: 'success' as const,
    durationMs: n,
  };
}

describe('audit retention (issue 14, item 1)', () => {
  it('keeps at most maxFiles files, drops the oldest, logs it and counts it on /metrics', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const logger = lineLogger();
    const telemetry = await createTelemetry({ toolNames: [], metricsPort: false });
    onTestFinished(() => telemetry.shutdown());
    const events: AuditEvent[] = [];
    const log = await createAuditLog(
      { file, hmacKey: KEY, maxBytes: 1024, maxBatch: 1, maxFiles: 3 },
      {
        logger,
        onEvent: (e) => {
          events.push(e);
          telemetry.onAuditEvent(e);
        },
      },
    );
    for (let n = 1; n <= 40; n++) await log.append(entry(n));
    await log.close();

    const files = await auditLogFiles(file);
    expect(files).toHaveLength(3);
    const dropped = events.filter((e) => e.type === 'file-dropped');
    expect(dropped.length).toBeGreaterThan(0);
    expect(logger.lines.filter((l) => l.msg === 'audit file dropped by retention')).toHaveLength(
      dropped.length,
    );
    const text = await telemetry.collectPrometheusText();
    expect(text).toMatch(
      new RegExp(`^genesys_tools_audit_files_dropped_total(\\{[^}]*\\})? ${dropped.length}$`, 'm'),
    );
    // What is left verifies as the tail of a chain whose start was dropped.
    expect(await verifyAuditFiles(files, { partial: true })).toMatchObject({ ok: true });
  });

  it('keeps the total size within maxTotalBytes', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit.jsonl');
    const log = await createAuditLog({
      file,
      hmacKey: KEY,
      maxBytes: 2048,
      maxBatch: 1,
      maxTotalBytes: 8192,
    });
    for (let n = 1; n <= 100; n++) await log.append(entry(n));
    await log.close();
    const sizes = await Promise.all(
      (await readdir(dir))
        .filter((n) => n.startsWith('audit.jsonl'))
        .filter((n) => !n.endsWith('.hmac-key'))
        .map(async (n) => (await stat(join(dir, n))).size),
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(8192);
  });

  it('logs the chain head and exposes its prefix as a gauge on rotation and at shutdown', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const logger = lineLogger();
    const telemetry = await createTelemetry({ toolNames: [], metricsPort: false });
    onTestFinished(() => telemetry.shutdown());
    const log = await createAuditLog(
      { file, hmacKey: KEY, maxBytes: 1024, maxBatch: 1 },
      { logger, onEvent: telemetry.onAuditEvent },
    );
    for (let n = 1; n <= 10; n++) await log.append(entry(n));
    await log.close();
    const heads = logger.lines.filter((l) => l.msg === 'audit chain head');
    expect(heads.map((h) => h.obj.trigger)).toContain('rotation');
    const last = heads.at(-1)?.obj;
    expect(last?.trigger).toBe('shutdown');
    const verified = await verifyAuditFiles(await auditLogFiles(file));
    expect(last?.hash).toBe(verified.head);
    const prefix = Number.parseInt(String(verified.head).slice(0, 13), 16);
    expect(await telemetry.collectPrometheusText()).toMatch(
      new RegExp(`^genesys_tools_audit_head_hash_prefix(\\{[^}]*\\})? ${prefix}$`, 'm'),
    );
  });
});
