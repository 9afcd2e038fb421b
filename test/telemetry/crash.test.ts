import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { verifyAuditFiles } from '../../src/telemetry/verify-audit.js';
import { tempDir } from '../support/temp-dir.js';
import { CRASH_TOKEN } from './crash-server.const.js';

const SERVER = fileURLToPath(new URL('./crash-server.ts', import.meta.url));
const KILL_AFTER_SUCCESSES = 200;
const WORKERS = 16;

function startServer(
  file: string,
  durability: 'fsync' | 'write',
): Promise<{ port: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, file, durability], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /\{"port":(\d+)\}/.exec(stdout);
      if (m !== null) {
        resolve({
          port: Number(m[1]),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited (${code}): ${stderr}`));
    });
  });
}

// `write` acknowledges a record once the OS has it: the page cache outlives the process, so
// kill -9 loses nothing in either mode (power loss is what `write` gives up; README).
describe.each(['fsync', 'write'] as const)('audit durability %s under kill -9', (durability) => {
  it('has a record for every invocation answered 2xx before the crash, and verify passes', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const server = await startServer(file, durability);
    const url = `http://127.0.0.1:${server.port}/api/v1/tools/echo`;
    const acknowledged: string[] = [];
    let sent = 0;
    let killed: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (killed === undefined) {
        const n = sent++;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${CRASH_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ tool_name: 'echo', parameters: { n } }),
          });
          const body = (await response.json()) as { metadata?: { invocation_id?: string } };
          if (response.ok && body.metadata?.invocation_id !== undefined) {
            acknowledged.push(body.metadata.invocation_id);
          }
        } catch {
          return; // the server is gone
        }
        if (acknowledged.length >= KILL_AFTER_SUCCESSES) killed ??= server.kill();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    await killed;

    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_SUCCESSES);
    const verification = await verifyAuditFiles([file]);
    expect(verification).toMatchObject({ ok: true });
    const recorded = new Set(
      (await readFile(file, 'utf8'))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { invocationId: string }).invocationId),
    );
    const missing = acknowledged.filter((id) => !recorded.has(id));
    expect(missing).toEqual([]);
  });
});
