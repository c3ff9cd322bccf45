import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../warehouse/config.ts';
import { exec, openWarehouse, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { copyChdbDir } from './chdb-copy.ts';
import { templateDatabase } from './warehouse-template.ts';

/**
 * A fresh chDB path and database for one test file (chDB allows one path per process; vitest forks per file):
 * a copy of the run's migrated template (warehouse-template.ts), renamed, when the run made one.
 */
export async function testWarehouse(
  name: string,
): Promise<Warehouse & { dir: string; reset(): Promise<void>; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `lw-${name}-`));
  const database = `t_${name.replace(/[^a-z0-9_]/g, '_')}`;
  const template = inject('warehouseTemplate');
  if (template) copyChdbDir(template, dir);
  const wh = openWarehouse(loadConfig({}), { dataDir: dir, database });
  if (template) await exec(wh, `RENAME DATABASE ${templateDatabase} TO ${database}`);
  // on a copy every migration is recorded already: this only checks so
  await migrate(wh);
  const tables = async () =>
    (
      await queryRows<{ name: string }>(wh, 'SELECT name FROM system.tables WHERE database = {d:String}', {
        d: wh.database,
      })
    ).map((r) => r.name);
  const migrated = new Set(await tables());
  return Object.assign(wh, {
    dir,
    /**
     * Back to the state just after migrate, in tens of milliseconds instead of the seconds a new
     * path and every migration take: the migrated tables emptied (but the record of the migrations),
     * any table created since (a run's scratch table) dropped.
     */
    reset: async () => {
      for (const t of await tables()) {
        if (t === 'schema_migrations') continue;
        if (!/^\w+$/u.test(t)) throw new Error(`reset: unexpected table name ${t}`);
        await exec(wh, `${migrated.has(t) ? 'TRUNCATE' : 'DROP'} TABLE ${wh.database}.${t}`);
      }
    },
    dispose: async () => {
      await wh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * For afterAll: disposes the warehouse a beforeAll opened. When that beforeAll failed the variable was
 * never assigned (its `let wh: T` cannot say so), and there is nothing to dispose: the report stays on
 * the real failure instead of adding a TypeError from the hook.
 */
export async function disposeIfOpened(wh: { dispose(): Promise<void> } | undefined): Promise<void> {
  await wh?.dispose();
}

export const tmpDir = (name: string) => mkdtempSync(join(tmpdir(), `lw-${name}-`));

export async function count(wh: Warehouse, table: string, where = '1'): Promise<number> {
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${wh.database}.${table} WHERE ${where}`);
  return Number(r!.n);
}
