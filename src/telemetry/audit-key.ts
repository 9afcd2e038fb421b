/**
 * The per-deployment key of the parameters' HMAC (issue 14, item 7). Given by the operator
 * (`GENESYS_TOOLS_AUDIT_HMAC_KEY` or `_FILE`), or else generated once: 32 random bytes kept in
 * `FILE.hmac-key` (0600) beside the audit file. Refusing to start without a key would break every
 * existing deployment; a generated key keeps the HMAC unguessable from the audit records alone, and
 * stays stable across restarts. Replicas that must compare HMACs share a key through the variable.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, open } from 'node:fs/promises';
import type { Logger } from '../deps.js';
import { AuditError } from '../errors.js';
import { assertRegularFile } from './audit-recovery.js';

/** Fewest characters accepted in a key. */
export const MIN_HMAC_KEY_LENGTH = 32;

/** Where the generated key of `file` lives. */
export function keyFileOf(file: string): string {
  return `${file}.hmac-key`;
}

async function readKey(path: string, logger: Logger): Promise<string> {
  await assertRegularFile(path);
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) {
      await chmod(path, 0o600);
      logger.warn({ keyFile: path }, 'audit HMAC key file was readable by others; made it 0600');
    }
    const key = (await handle.readFile('utf8')).trim();
    if (key.length < MIN_HMAC_KEY_LENGTH) {
      throw new AuditError(
        'AUDIT_FILE_UNREADABLE',
        `audit HMAC key file "${path}" holds fewer than ${MIN_HMAC_KEY_LENGTH} characters; delete it to have a new key made, or set GENESYS_TOOLS_AUDIT_HMAC_KEY`,
        { details: { file: path } },
      );
    }
    return key;
  } finally {
    await handle.close();
  }
}

/**
 * The key kept beside `file`, made (0600, O_EXCL) when there is none yet.
 * @throws AuditError AUDIT_FILE_UNSAFE when the key path is a symbolic link.
 * @throws AuditError AUDIT_FILE_UNREADABLE when the key file is too short.
 */
export async function loadOrCreateAuditKey(file: string, logger: Logger): Promise<string> {
  const path = keyFileOf(file);
  const key = randomBytes(32).toString('hex');
  let handle;
  try {
    handle = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      return readKey(path, logger);
    }
    throw error;
  }
  try {
    await handle.writeFile(`${key}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  logger.info(
    { keyFile: path },
    'generated the audit HMAC key; set GENESYS_TOOLS_AUDIT_HMAC_KEY to share one key between replicas',
  );
  return key;
}
