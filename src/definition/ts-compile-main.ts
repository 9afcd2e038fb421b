/**
 * The compiler process of ts-import.ts: reads `{ cacheRoot, entries }` as JSON from stdin,
 * compiles every stale source reachable from the entries into the cache, and prints each entry's
 * compiled path or compile error as JSON on stdout.
 */
import { text } from 'node:stream/consumers';
import { createTranspile } from './ts-compile.js';
import { walkTree } from './ts-tree.js';

const request: unknown = JSON.parse(await text(process.stdin));
if (
  typeof request !== 'object' ||
  request === null ||
  !('cacheRoot' in request) ||
  typeof request.cacheRoot !== 'string' ||
  !('entries' in request) ||
  !Array.isArray(request.entries) ||
  !request.entries.every((e): e is string => typeof e === 'string')
) {
  throw new Error('ts-compile-main: expected { cacheRoot: string, entries: string[] } on stdin');
}
const result = walkTree(request.cacheRoot, request.entries, createTranspile(request.cacheRoot));
process.stdout.write(JSON.stringify(Object.fromEntries(result ?? [])));
