import { loadConfig } from '../../warehouse/config.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';

/** A kill-and-rerun child's warehouse: database `kill` in the data dir it is given, migrated. */
export async function openChildWarehouse(dataDir: string): Promise<Warehouse> {
  const wh = openWarehouse(loadConfig({}), { dataDir, database: 'kill' });
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
