import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog, verifyAuditFiles } from '../../src/telemetry/index.js';
import { tempDir } from '../support/temp-dir.js';
import { authed, server } from './helpers.js';
import type { WireBody } from './helpers.js';

const KEY = 'envelope-ids-hmac-key-0123456789abcd';

function call(app: Awaited<ReturnType<typeof server>>, envelope: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/tools/check_inventory',
    headers: authed,
    payload: JSON.stringify({
      tool_name: 'check_inventory',
      parameters: { sku: 'a' },
      ...envelope,
    }),
  });
}

describe('envelope ids are bounded (issue 14, item 2)', () => {
  it.each([
    ['user_id', 'u'.repeat(100_000), 'the limit is 256'],
    ['conversation_id', 'c'.repeat(257), 'the limit is 256'],
    ['user_id', 'user\u0000one', 'printable'],
    ['conversation_id', 'conv\u202eeno', 'printable'],
  ])(
    'refuses a %s out of bounds with 422 naming the field and the limit',
    async (field, value, says) => {
      const app = await server();
      const res = await call(app, { [field]: value });
      expect(res.statusCode).toBe(422);
      const body = res.json<WireBody & { details: { path: string; message: string }[] }>();
      expect(body.error_code).toBe('INVALID_PARAMETERS');
      expect(body.details.map((d) => d.path)).toEqual([`/${field}`]);
      expect(body.details[0]?.message).toContain(says);
      expect(body.message?.length ?? 0).toBeLessThan(300);
    },
  );

  it('accepts ids of 256 printable characters', async () => {
    const app = await server();
    const res = await call(app, { user_id: 'é'.repeat(256), conversation_id: 'c-1' });
    expect(res.statusCode).toBe(200);
  });

  it('restarts cleanly after a call with a 100 KB user_id, which was refused with 422', async () => {
    const file = join(tempDir(), 'audit', 'audit.jsonl');
    const first = await createAuditLog({ file, hmacKey: KEY });
    const app = await server({ audit: first });
    expect((await call(app, { user_id: 'u'.repeat(100_000) })).statusCode).toBe(422);
    await app.close();
    await first.close();
    expect((await readFile(file, 'utf8')).length).toBeLessThan(1000);

    const second = await createAuditLog({ file, hmacKey: KEY });
    const again = await server({ audit: second });
    expect((await call(again, { user_id: 'user-1' })).statusCode).toBe(200);
    await again.close();
    await second.close();
    expect(await verifyAuditFiles([file])).toMatchObject({ ok: true, records: 2 });
  });

  it('caps a record the audit log is given directly (library use)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const log = await createAuditLog({ file, hmacKey: KEY });
    const append = log.append({
      time: '2026-01-01T00:00:00.000Z',
      invocationId: 'inv-1',
      tool: 'check_inventory',
      userId: 'u'.repeat(100_000),
      parameters: {},
      outcome: 'success',
      durationMs: 1,
    });
    await expect(append).rejects.toMatchObject({ code: 'AUDIT_RECORD_TOO_LARGE' });
    await log.close();
    const reopened = await createAuditLog({ file, hmacKey: KEY });
    await reopened.close();
  });
});
