/**
 * Writes docs/errors.md from ERROR_CATALOGUE (`npm run docs:errors`). A test fails when the file
 * and the catalogue drift apart.
 */
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from './render-errors-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
console.log('wrote docs/errors.md');
