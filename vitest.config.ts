import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tool modules in this repository import the package by name ('genesys-tools', as a user's
    // do); in tests that name resolves to the sources, not to dist/ (package.json "exports").
    execArgv: ['--conditions=genesys-tools-source'],
  },
});
