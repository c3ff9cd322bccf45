import { defineConfig } from 'vitest/config';

// chDB allows one open data directory per process, so every test file runs in its own forked
// process (pool: 'forks') with its own temp path. Two files at a time: vitest's default on a
// 2-core machine is one (cores − 1), yet most files spend much of their run waiting on a child
// process, the engine's own threads or a browser; no file shares a path or a port with another.
// The timeouts are guards against a hang, not speed targets: two files at a time may double a
// set-up that takes a minute alone.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    env: { TZ: 'UTC' },
  },
});
