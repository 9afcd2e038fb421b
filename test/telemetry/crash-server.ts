/**
 * The child process of the crash test: the execution server (`createToolServer`) with one tool,
 * the durable audit log and telemetry, on 127.0.0.1 port 0. Prints `{"port":N}` once listening.
 * Usage: node --import tsx crash-server.ts AUDIT_FILE [fsync|write]
 */
import { defineTool } from '../../src/definition/index.js';
import { createToolServer } from '../../src/server/index.js';
import { createAuditLog, createTelemetry } from '../../src/telemetry/index.js';

import { CRASH_TOKEN } from './crash-server.const.js';

const file = process.argv[2];
const durability = process.argv[3] ?? 'fsync';
if (file === undefined || (durability !== 'fsync' && durability !== 'write')) {
  throw new Error('usage: crash-server.ts AUDIT_FILE [fsync|write]');
}

const echo = defineTool({
  name: 'echo',
  description: 'Returns its parameter',
  input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  rateLimit: { requestsPerMinute: 1_000_000, burstSize: 10_000 },
  concurrency: { maxConcurrent: 1000, maxQueue: 10_000 },
  handler: (parameters) => ({ n: parameters.n }),
});

const audit = await createAuditLog({ file, durability });
const telemetry = await createTelemetry({ toolNames: ['echo'], metricsPort: false });
const app = await createToolServer({
  tools: [echo],
  auth: { bearerTokens: [CRASH_TOKEN] },
  observer: telemetry.observer,
  audit,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port })}\n`);
