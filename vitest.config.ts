import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on CI's 2-core machine,
    // where most of the suite waits on the processes and servers it starts. Two workers there:
    // 270 s instead of 420-473 s, and 445 s with both cores kept busy by another process.
    maxWorkers: Math.max(2, availableParallelism()),
    // Tool modules in this repository import the package by name ('genesys-tools', as a user's
    // do). loadTools compiles them to a cache and imports them natively, so that name resolves
    // to dist/ (package.json "exports"): `npm test` builds first (pretest).
  },
});
