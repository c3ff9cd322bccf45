import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The test tree mirrors the source: test/unit/<dir> and test/integration/<dir> exist only for a
 * source folder <dir>. A test of one source file carries its name (warehouse/sql.ts →
 * test/unit/warehouse/sql.test.ts); a test of a folder's behaviour across files sits in that
 * folder's mirror under a name saying what it checks (pipelines/ingest/quarantine-lines.test.ts).
 */
const root = new URL('../..', import.meta.url).pathname;
const ignored = new Set(['__snapshots__']);

const folders = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => !ignored.has(name) && statSync(join(dir, name)).isDirectory())
    .flatMap((name) => [join(dir, name), ...folders(join(dir, name))]);

describe('test tree', () => {
  for (const kind of ['unit', 'integration']) {
    it(`every folder under test/${kind} mirrors a source folder`, () => {
      const base = join(root, 'test', kind);
      const orphans = folders(base)
        .map((dir) => relative(base, dir))
        .filter((dir) => !existsSync(join(root, dir)));
      expect(orphans).toEqual([]);
    });
  }
});
