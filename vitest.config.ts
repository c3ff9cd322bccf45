import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files start first, so that the run does not end with one long file on one worker:
 * by each file's duration in vitest's results cache (the last run of it), as vitest's own order is,
 * also under the name the file had before the suite was split into projects (a first run after the
 * split would otherwise find no duration and order by size). Without durations (a clean checkout),
 * vitest's order by size, but the files that run a whole pipeline in a child process (the demo, the
 * README tour, the notebooks) first: short and among the slowest, started last one of them ran alone
 * for a minute at the end of the suite.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const duration = (f: TestSpecification) => {
      const path = relative(this.ctx.config.root, f.moduleId);
      const cached =
        this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`) ?? this.ctx.cache.getFileTestResults(`:${path}`);
      return cached?.duration;
    };
    const isPipeline = (f: TestSpecification) => /[\\/]test[\\/](notebooks|integration[\\/]bin)[\\/]/u.test(f.moduleId);
    const known = sorted.filter((f) => duration(f) !== undefined);
    if (known.length < sorted.length / 2)
      return [...sorted.filter(isPipeline), ...sorted.filter((f) => !isPipeline(f))];
    // unknown files (new since the last run) first, as vitest does: they may be slow; the unit tests
    // (seconds each) last, together, so that their workers are reused from one file to the next
    const isUnit = (f: TestSpecification) => f.project.name === 'unit';
    const bySlowest = (xs: TestSpecification[]) => xs.sort((a, b) => (duration(b) ?? 0) - (duration(a) ?? 0));
    return [
      ...sorted.filter((f) => duration(f) === undefined && !isUnit(f)),
      ...bySlowest(known.filter((f) => !isUnit(f))),
      ...bySlowest(sorted.filter(isUnit)),
    ];
  }
}

const shared = {
  testTimeout: 300_000,
  hookTimeout: 600_000,
  env: { TZ: 'UTC' },
};

// chDB allows one open data directory per process, so every integration test file runs in its own
// forked process (pool: 'forks') with its own temp path. Two files at a time: vitest's default on a
// 2-core machine is one (cores − 1), yet most files spend much of their run waiting on a child
// process, the engine's own threads or a browser; no file shares a path or a port with another.
// The timeouts are guards against a hang, not speed targets: two files at a time may double a
// set-up that takes a minute alone.
// Unit tests (no database, no child's data dir) share their worker's process and module cache
// (isolate: false): a fresh process and module graph per file was half their CPU time (unit tests
// alone: CPU 101 -> 61 s, all passing); a unit test restores what it changes (mocks, spies, env).
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          // every migration once per run, on a database each test warehouse copies (test/helpers/warehouse-template.ts)
          globalSetup: ['test/helpers/warehouse-template.ts'],
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
        },
      },
    ],
  },
});
