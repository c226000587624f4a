import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file opens its own database; two at a time suits a 2-core machine.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/server.ts', 'src/cli.ts'],
      // The per-file table and the totals go to files, so the test summary stays the last thing
      // printed (a failed threshold is still reported on the console).
      reporter: [
        ['text', { file: 'coverage.txt' }],
        ['text-summary', { file: 'coverage-summary.txt' }],
        'json-summary',
      ],
      thresholds: { lines: 90 },
    },
  },
});
