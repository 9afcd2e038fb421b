/**
 * The audit chains on disk: one current file and its rotated files `FILE.1`, `FILE.2`, ... make a
 * chain; a directory shared by several replicas holds one chain per replica (issue 16, item 3).
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rotatedSiblings } from './audit-recovery.js';

/** The files of a rotated audit log, oldest first, ending with the current file: for `verify`. */
export async function auditLogFiles(file: string): Promise<string[]> {
  const siblings = await rotatedSiblings(file);
  const current = await stat(file).then(
    () => [file],
    () => [],
  );
  return [...siblings.map((s) => join(dirname(file), s.name)), ...current];
}

/** Files beside an audit file that are not records: its lock, a stale lock set aside, its key. */
const COMPANION = /\.lock$|\.lock\.stale-|\.hmac-key$/;

/**
 * Groups the names of a directory into chains: each chain is the names of one audit file's
 * rotated files, oldest first, then the current file (absent when only rotated files are left).
 * Chains are ordered by name; companions (locks, keys) and hidden files are left out. Pure.
 */
export function groupAuditChains(names: readonly string[]): string[][] {
  const chains = new Map<string, { index: number; name: string }[]>();
  const records = names.filter((n) => !n.startsWith('.') && !COMPANION.test(n));
  const present = new Set(records);
  for (const name of records) {
    const m = /^(.*)\.([1-9][0-9]*)$/.exec(name);
    const base = m?.[1];
    // `a.jsonl.3` is a rotated file of `a.jsonl`; a name ending in digits with no current file
    // beside it is only taken as rotated when its base looks like an audit file.
    const rotated = base !== undefined && (present.has(base) || base.endsWith('.jsonl'));
    const key = rotated ? base : name;
    const index = rotated ? Number(m?.[2]) : Number.POSITIVE_INFINITY;
    const chain = chains.get(key) ?? [];
    chain.push({ index, name });
    chains.set(key, chain);
  }
  return [...chains.keys()]
    .sort()
    .map((key) => (chains.get(key) ?? []).sort((a, b) => a.index - b.index).map((f) => f.name));
}

/** The chains of the audit files in `dir`, as paths (see `groupAuditChains`). */
export async function auditChainsIn(dir: string): Promise<string[][]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  return groupAuditChains(files).map((chain) => chain.map((name) => join(dir, name)));
}
