import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../warehouse/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';

/** A fresh chDB path and database for one test file (chDB allows one path per process; vitest forks per file). */
export async function testWarehouse(name: string): Promise<Warehouse & { dir: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `lw-${name}-`));
  const wh = openWarehouse(loadConfig({}), { dataDir: dir, database: `t_${name.replace(/[^a-z0-9_]/g, '_')}` });
  await migrate(wh);
  return Object.assign(wh, {
    dir,
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
