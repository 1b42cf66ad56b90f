import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite and real servers are heavy: two workers on a two-core machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
