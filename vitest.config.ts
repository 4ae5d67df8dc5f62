import { defineConfig } from 'vitest/config';

// Integration tests start real engines (Temporal dev server, chDB); on two cores they run one
// file at a time and get generous timeouts. Unit tests are pure and fast.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
