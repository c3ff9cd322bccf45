import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../warehouse/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';

/**
 * The warehouse bench/ingest-snapshot built under `work` (database `bench`), for the benchmarks
 * that run after it. Migrated first, so a warehouse from an older run gets the newer tables (and
 * their contents) before it is timed.
 */
export async function openBuiltBenchWarehouse(work: string, bench: string): Promise<{ wh: Warehouse; config: Config }> {
  const dbDir = join(work, 'db');
  if (!existsSync(dbDir))
    throw new Error(
      `${bench} reads the warehouse built by bench/ingest-snapshot: run \`npm run bench\` (it runs that first)`,
    );
  const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: dbDir });
  const wh = openWarehouse(config, { database: 'bench' });
  await migrate(wh);
  return { wh, config };
}

/**
 * Waits (up to `maxS`) until no background merge or mutation runs. chDB merges only while a process has the
 * warehouse open, so tables written by the previous benchmark process are still being merged when
 * the next one opens them; timing then would measure those merges on the two cores, not steady state.
 * A mutation that failed is retried by the engine but never done: it is not waited for. A wait that
 * runs out says so: what follows is timed beside that work.
 */
export async function waitForMerges(wh: Warehouse, maxS = 300): Promise<void> {
  for (let waited = 0; waited < maxS; waited += 2) {
    const [m] = await queryRows<{ n: string }>(
      wh,
      `SELECT (SELECT count() FROM system.merges) +
         (SELECT count() FROM system.mutations WHERE NOT is_done AND latest_fail_reason = '') AS n`,
    );
    if (Number(m!.n) === 0) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.error(
    `[bench] merges or mutations still running after ${String(maxS)} s: the timings that follow include them`,
  );
}
