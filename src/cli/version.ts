import { readFileSync } from 'node:fs';

/** The package's version, read from the package.json beside `src/` or `dist/`. */
export function packageVersion(): string {
  const raw: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  return typeof raw === 'object' &&
    raw !== null &&
    'version' in raw &&
    typeof raw.version === 'string'
    ? raw.version
    : 'unknown';
}
