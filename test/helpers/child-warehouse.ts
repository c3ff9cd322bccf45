import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../warehouse/config.ts';
import { exec, openWarehouse, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { copyChdbDir, templateEnv } from './chdb-copy.ts';
import { templateDatabase } from './warehouse-template.ts';

/**
 * A kill-and-rerun child's warehouse: database `kill` in the data dir it is given, migrated. A new
 * data dir starts as a copy of the run's migrated template when the parent passed it (runKillableChild),
 * as testWarehouse's do: every migration again cost each child ~1.5 s, several times that beside another file.
 */
export async function openChildWarehouse(dataDir: string): Promise<Warehouse> {
  const template = process.env[templateEnv];
  const copied = !!template && !existsSync(join(dataDir, 'chdb'));
  if (copied) copyChdbDir(template, dataDir);
  const wh = openWarehouse(loadConfig({}), { dataDir, database: 'kill' });
  if (copied) await exec(wh, `RENAME DATABASE ${templateDatabase} TO kill`);
  // on a copy every migration is recorded already: this only checks so
  await migrate(wh);
  return wh;
}

/**
 * A log that prints each line and, after the one matching `pauseOn`, waits: each step is a statement
 * of milliseconds, so the child waits there for the parent's SIGKILL rather than racing on to the end.
 */
export function pausingLog(pauseOn: string | undefined): (line: string) => void {
  const pause = pauseOn ? new RegExp(pauseOn, 'u') : null;
  return (line) => {
    console.log(line);
    if (pause?.test(line)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  };
}
