import { createHash, createHmac } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvConfig } from '../../src/config.js';
import { createAuditLog } from '../../src/telemetry/audit-log.js';
import { tempDir } from '../support/temp-dir.js';

const PARAMETERS = { phone: '+15550100999' };

async function oneRecord(file: string, hmacKey?: string): Promise<Record<string, unknown>> {
  const log = await createAuditLog({ file, ...(hmacKey === undefined ? {} : { hmacKey }) });
  await log.append({
    time: '2026-01-01T00:00:00.000Z',
    invocationId: 'inv-1',
    tool: 'call_back',
    parameters: PARAMETERS,
    outcome: 'success',
    durationMs: 1,
  });
  await log.close();
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

const plainSha = createHash('sha256').update('{"phone":"+15550100999"}').digest('hex');

describe('audit files and the parameters HMAC (issue 14, item 7)', () => {
  it('creates the directory 0700 and the audit, lock and key files 0600', async () => {
    const file = join(tempDir(), 'audit', 'audit.jsonl');
    const log = await createAuditLog({ file });
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(`${file}.lock`)).mode & 0o777).toBe(0o600);
    expect((await stat(`${file}.hmac-key`)).mode & 0o777).toBe(0o600);
    await log.close();
  });

  it('makes an existing audit file that others could read 0600', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeFile(file, '');
    await chmod(file, 0o644);
    await oneRecord(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('stores an HMAC with the given key, not a SHA-256 anyone can recompute by guessing', async () => {
    const key = 'deployment-key-0123456789abcdefghijklmnop';
    const record = await oneRecord(join(tempDir(), 'audit.jsonl'), key);
    expect(record).not.toHaveProperty('parametersSha256');
    expect(record.parametersHmac).not.toBe(plainSha);
    expect(record.parametersHmac).toBe(
      createHmac('sha256', key).update('{"phone":"+15550100999"}').digest('hex'),
    );
  });

  it('without a key, generates one beside the audit file and keeps it across restarts', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const first = await oneRecord(file);
    const second = await oneRecord(file);
    const key = (await readFile(`${file}.hmac-key`, 'utf8')).trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.parametersHmac).toBe(second.parametersHmac);
    expect(first.parametersHmac).toBe(
      createHmac('sha256', key).update('{"phone":"+15550100999"}').digest('hex'),
    );
  });

  it('refuses a key shorter than 32 characters without echoing it', async () => {
    const short = 'short-key-123';
    const failure = createAuditLog({ file: join(tempDir(), 'a.jsonl'), hmacKey: short });
    await expect(failure).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(failure).rejects.not.toThrow(short);
    expect(() => loadEnvConfig({ GENESYS_TOOLS_AUDIT_HMAC_KEY: short })).toThrow(
      /GENESYS_TOOLS_AUDIT_HMAC_KEY: expected at least 32 characters/,
    );
  });

  it('reads the key from GENESYS_TOOLS_AUDIT_HMAC_KEY_FILE like the other secrets', () => {
    const key = 'file-key-0123456789abcdefghijklmnopqrstuv';
    const env = loadEnvConfig({ GENESYS_TOOLS_AUDIT_HMAC_KEY_FILE: '/run/secrets/k' }, (path) =>
      path === '/run/secrets/k' ? `${key}\n` : '',
    );
    expect(env.auditHmacKey).toBe(key);
  });
});

describe('default audit files (issue 14, item 6)', () => {
  it('gives serve and apply/destroy different files unless GENESYS_TOOLS_AUDIT_FILE is set', () => {
    // Issue 16 item 3: serve's default file is one per replica, named by its instance id.
    expect(loadEnvConfig({ GENESYS_TOOLS_INSTANCE_ID: 'pod-1' })).toMatchObject({
      auditFile: './audit/audit.pod-1.jsonl',
      changeAuditFile: './audit/changes.jsonl',
    });
    expect(loadEnvConfig({ GENESYS_TOOLS_AUDIT_FILE: '/var/audit/x.jsonl' })).toMatchObject({
      auditFile: '/var/audit/x.jsonl',
      changeAuditFile: '/var/audit/x.jsonl',
    });
  });
});
