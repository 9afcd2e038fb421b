/**
 * One writer per audit file (issue 14, item 6): two writers interleave their chains and every
 * verify after that reports tampering. The lock is a file `FILE.lock`, created with O_EXCL, that
 * names its holder (pid, host, process start time). No native addon: a lock left by a process that
 * died (kill -9) is recognised as stale because its pid is gone, or because the pid is ours but
 * the start time is not (a restarted container reuses pid 1). Another host's pid cannot be probed
 * (a volume that moves to a new pod), so the holder renews the lock file's mtime as a lease
 * (`renew`, every LEASE_MS / 3) and a lock of another host is stale once its lease has run out.
 */
import { hostname } from 'node:os';
import { constants } from 'node:fs';
import { open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { AuditError } from '../errors.js';

/** How long a lock of another host holds without being renewed. */
export const LEASE_MS = 60_000;

/** A held lock; `release` removes the lock file if it is still ours. */
export interface AuditLock {
  readonly path: string;
  /** Renews the lease (the lock file's mtime); call it every LEASE_MS / 3. */
  renew(nowMs: number): Promise<void>;
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly startedAtMs: number;
}

function ourHolder(): Holder {
  return { pid: process.pid, host: hostname(), startedAtMs: performance.timeOrigin };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, startedAtMs } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof startedAtMs !== 'number') {
      return undefined;
    }
    return { pid, host, startedAtMs };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/**
 * Whether the holder named in a lock file may still be writing. Pure but for the pid probe.
 * `leaseAgeMs`: how long ago the lock file was last renewed.
 */
export function isStale(holder: Holder | undefined, us: Holder, leaseAgeMs = 0): boolean {
  // An unreadable lock file is a torn write of a lock by a process that crashed while locking.
  if (holder === undefined) return true;
  // Another host's pids cannot be probed from here: only a lease that ran out tells it is gone.
  if (holder.host !== us.host) return leaseAgeMs > LEASE_MS;
  if (holder.pid === us.pid) return holder.startedAtMs !== us.startedAtMs;
  return !isAlive(holder.pid);
}

function locked(file: string, lockPath: string, holder: Holder | undefined): AuditError {
  const who =
    holder === undefined
      ? 'another process'
      : `process ${holder.pid} on ${holder.host}${holder.pid === process.pid ? ' (this process)' : ''}`;
  const wait =
    holder !== undefined && holder.host !== hostname()
      ? `, or wait ${LEASE_MS / 1000} s for its lease to run out`
      : '';
  return new AuditError(
    'AUDIT_FILE_LOCKED',
    `audit file "${file}" is being written by ${who} (lock file "${lockPath}"); give this writer its own audit file (replicas: put {instance} in the path and give each its own GENESYS_TOOLS_INSTANCE_ID)${wait}, or delete the lock file if that process is gone`,
    { details: { file, lockFile: lockPath } },
  );
}

async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(
      lockPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Takes the lock of `file`, replacing a stale one once.
 * @throws AuditError AUDIT_FILE_LOCKED naming the file and the holder when another writer has it.
 */
export async function acquireAuditLock(file: string, nowMs: number): Promise<AuditLock> {
  const lockPath = `${file}.lock`;
  const us = ourHolder();
  const content = `${JSON.stringify(us)}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(lockPath, content)) {
      return {
        path: lockPath,
        renew: async (at) => {
          const seconds = at / 1000;
          await utimes(lockPath, seconds, seconds).catch(() => undefined);
        },
        release: async () => {
          const now = await readFile(lockPath, 'utf8').catch(() => undefined);
          if (now === content) await unlink(lockPath).catch(() => undefined);
        },
      };
    }
    const seen = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (seen === undefined) continue; // released in between
    const holder = parseHolder(seen);
    const renewedMs = (await stat(lockPath).catch(() => undefined))?.mtimeMs ?? nowMs;
    if (!isStale(holder, us, nowMs - renewedMs)) throw locked(file, lockPath, holder);
    // Move the stale lock aside rather than unlinking it: if another starter replaced it in the
    // meantime, what we moved is not what we judged stale, and it is put back.
    const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
    if (
      !(await rename(lockPath, aside).then(
        () => true,
        () => false,
      ))
    )
      continue;
    const moved = await readFile(aside, 'utf8').catch(() => undefined);
    if (moved !== seen) {
      await rename(aside, lockPath).catch(() => undefined);
      throw locked(file, lockPath, moved === undefined ? undefined : parseHolder(moved));
    }
    await unlink(aside).catch(() => undefined);
  }
  throw locked(file, lockPath, undefined);
}
