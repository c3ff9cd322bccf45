import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../warehouse/config.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';

/**
 * The warehouse bench/ingest-snapshot built under `work` (database `bench`), for the benchmarks
 * that run after it. Migrated first, so a warehouse from an older run gets the newer tables (and
 * their contents) before it is timed.
 */
export async function openBuiltBenchWarehouse(work: string, bench: string): Promise<{ wh: Warehouse; config: Config }> {
  const dbDir = join(work, 'db');
  if (!existsSync(dbDir)) throw new Error(`${bench} reads the warehouse built by bench/ingest-snapshot: run \`npm run bench\` (it runs that first)`);
  const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: dbDir });
  const wh = openWarehouse(config, { database: 'bench' });
  await migrate(wh);
  return { wh, config };
}
