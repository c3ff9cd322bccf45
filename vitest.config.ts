import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest orders a clean checkout's files by size, largest first. The files that run a whole
 * pipeline in a child process (the demo, the README tour, the notebooks) are short and among the
 * slowest: started last, one of them ran alone for a minute at the end of the suite. They start
 * first; the rest keep vitest's order.
 */
class PipelinesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isPipeline = (f: TestSpecification) => /[\\/]test[\\/](notebooks|integration[\\/]bin)[\\/]/u.test(f.moduleId);
    return [...sorted.filter(isPipeline), ...sorted.filter((f) => !isPipeline(f))];
  }
}

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
    // every migration once per run, on a database each test warehouse copies (test/helpers/warehouse-template.ts)
    globalSetup: ['test/helpers/warehouse-template.ts'],
    sequence: { sequencer: PipelinesFirst },
  },
});
