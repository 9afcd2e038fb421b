/** Writes docs/cli.md from the commander program (`npm run docs:cli`). */
import { writeFileSync } from 'node:fs';
import { renderCliDoc } from './render-cli-doc.js';

writeFileSync(new URL('../docs/cli.md', import.meta.url), renderCliDoc());
console.log('wrote docs/cli.md');
