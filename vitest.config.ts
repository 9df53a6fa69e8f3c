import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no services; `integration` runs against the real lab,
// which the global setup brings up once per run (and takes down only if it started it).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', '.lab/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.lab/**'],
          globalSetup: ['system/test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
