import { defineConfig } from 'vitest/config';

// chDB allows one open data directory per process, so every test file runs in
// its own forked process (pool: 'forks') with its own temp path.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { TZ: 'UTC' },
  },
});
