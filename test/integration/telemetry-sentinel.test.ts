import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defineTool } from '../../src/definition/index.js';
import { createToolServer } from '../../src/server/index.js';
import {
  createAuditExporter,
  createAuditLog,
  createLogger,
  createTelemetry,
  verifyAuditFiles,
} from '../../src/telemetry/index.js';
import { receivedLogRecords, startOtlpReceiver } from '../support/otlp-receiver.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'sentinel-bearer-4f1c9e7a2b';
const CLIENT_SECRET = 'sentinel-client-secret-9d8c7b';
const EMAIL = 'planted.person@example.org';
const PHONE = '+15550100999';
const HMAC_KEY = 'sentinel-audit-hmac-key-5e6f7a8b9c0d1e2f';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

describe('telemetry on the execution server', () => {
  it('keeps planted secrets and PII out of logs, audit and metrics, and logs each call with its ids and the caller trace id', async () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createLogger({
      level: 'trace',
      destination,
      secrets: [TOKEN, CLIENT_SECRET, HMAC_KEY],
      redactParameters: ['email', 'phone'],
    });
    const file = join(tempDir(), 'audit.jsonl');
    const receiver = await startOtlpReceiver();
    const exporter = createAuditExporter({
      url: receiver.url,
      serviceName: 'genesys-tools',
      instanceId: 'sentinel-replica',
    });
    const audit = await createAuditLog(
      { file, hmacKey: HMAC_KEY, instanceId: 'sentinel-replica' },
      { logger, onRecords: exporter.onRecords },
    );
    const telemetry = await createTelemetry({ toolNames: ['contact'], metricsPort: 0 }, { logger });
    const contact = defineTool({
      name: 'contact',
      description: 'Looks a contact up',
      input: {
        type: 'object',
        properties: { email: { type: 'string' }, phone: { type: 'string' } },
        required: ['email'],
      },
      handler: (parameters, ctx) => {
        ctx.logger.info({ parameters, secret: CLIENT_SECRET }, 'looking up a contact');
        if (parameters.phone !== undefined) throw new Error(`lookup failed for ${CLIENT_SECRET}`);
        return { found: true };
      },
    });
    const app = await createToolServer(
      { tools: [contact], auth: { bearerTokens: [TOKEN] }, observer: telemetry.observer, audit },
      { logger },
    );
    onTestFinished(async () => {
      await app.close();
      await audit.close();
      await exporter.shutdown();
      await telemetry.shutdown();
    });
    const post = (parameters: Record<string, unknown>, authorization = `Bearer ${TOKEN}`) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/tools/contact',
        headers: { authorization, 'inin-correlation-id': 'corr-1', traceparent: TRACEPARENT },
        payload: { tool_name: 'contact', parameters, conversation_id: 'conv-1' },
      });

    expect((await post({ email: EMAIL })).statusCode).toBe(200);
    expect((await post({ email: EMAIL, phone: PHONE })).statusCode).toBeGreaterThanOrEqual(500);
    const refused = await post({ email: EMAIL }, `Bearer ${CLIENT_SECRET}`);
    expect(refused.statusCode).toBe(401);
    const refusedAgain = await post({ email: EMAIL }, `Bearer ${HMAC_KEY}`);
    expect(refusedAgain.statusCode).toBe(401);
    const refusedIds = [refused, refusedAgain].map(
      (r) => r.json<{ invocation_id: string }>().invocation_id,
    );
    // Closing writes the refused calls' count (one record per reason and interval).
    await audit.close();
    await exporter.shutdown();

    const logText = chunks.join('');
    const exportedText = receiver.requests.map((r) => r.text).join('\n');
    expect(receivedLogRecords(receiver.requests)).toHaveLength(3);
    const auditText = await readFile(file, 'utf8');
    const metricsText = await telemetry.collectPrometheusText();
    expect(logText.length).toBeGreaterThan(0);
    expect(auditText.split('\n').filter((l) => l !== '')).toHaveLength(3);
    for (const planted of [TOKEN, CLIENT_SECRET, EMAIL, PHONE, HMAC_KEY]) {
      expect(logText).not.toContain(planted);
      expect(auditText).not.toContain(planted);
      expect(metricsText).not.toContain(planted);
      expect(exportedText).not.toContain(planted);
    }
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 3 });
    const records = auditText
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.outcome ?? r.kind)).toEqual(['success', 'error', 'refused-calls']);
    expect(records[2]).toMatchObject({ reason: 'wrong-credentials', count: 2 });
    const callLines = logText
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.auditFile === undefined && l.msg !== 'metrics endpoint listening');
    for (const line of callLines) {
      expect(line).toMatchObject({ tool: 'contact' });
      expect(line.invocationId).toEqual(expect.any(String));
      // Issue 14 §12: a refused caller's traceparent is not honoured on the server's log lines.
      if (refusedIds.includes(String(line.invocationId))) expect(line.traceId).not.toBe(TRACE_ID);
      else expect(line.traceId).toBe(TRACE_ID);
    }
    expect(records[0]).toMatchObject({
      tool: 'contact',
      conversationId: 'conv-1',
      correlationId: 'corr-1',
    });
  });
});
