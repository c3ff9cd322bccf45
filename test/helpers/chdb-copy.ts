import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment variable through which a test file hands the run's migrated template
 * (warehouse-template.ts) to the child processes it spawns: they import no vitest, so cannot inject it.
 */
export const templateEnv = 'LOANWATCH_TEST_WAREHOUSE_TEMPLATE';

/**
 * Copies a closed chDB directory (the run's template, or a data dir a child left) to `dataDir`/chdb,
 * where openWarehouse(…, { dataDir }) opens it; from the template, the caller then renames its
 * database (templateDatabase) to its own. cp keeps the engine's relative links from data/ to store/;
 * the status file names the process that wrote it.
 */
export function copyChdbDir(source: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  execFileSync('cp', ['-R', source, join(dataDir, 'chdb')]);
  rmSync(join(dataDir, 'chdb', 'status'), { force: true });
}
