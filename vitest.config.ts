import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tool modules in this repository import the package by name ('genesys-tools', as a user's
    // do). loadTools compiles them to a cache and imports them natively, so that name resolves
    // to dist/ (package.json "exports"): `npm test` builds first (pretest).
  },
});
