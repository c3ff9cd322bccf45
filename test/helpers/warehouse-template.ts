import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../warehouse/config.ts';
import { exec, openWarehouse, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a chDB data directory holding one database migrated by this run's code, to copy (testWarehouse) */
    warehouseTemplate: string;
  }
}

/** The migrated database's name in the template; testWarehouse renames its copy. */
export const templateDatabase = 't_template';

/**
 * Global setup: every migration run once for the whole run, on an empty database that testWarehouse
 * copies. Migrating a new database costs ~1.4 s alone and several times that with two test files at
 * once (the backfill statements are analysed even on empty tables); a copy of the 3 MB directory and
 * a rename cost a fraction of it. Built by this run from this checkout, so it is never older than the
 * migrations it stands for.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig({});
  // against a ClickHouse server there is no directory to copy: each test warehouse migrates its own
  if (config.CLICKHOUSE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'lw-template-'));
  const wh = openWarehouse(config, { dataDir: dir, database: templateDatabase });
  try {
    await migrate(wh);
    await compactMigrationRecords(wh);
  } finally {
    await wh.close();
  }
  project.provide('warehouseTemplate', join(dir, 'chdb'));
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * migrate records each migration in an INSERT of its own, a part of its own on disk (~10 files each):
 * 450 of the template's ~550 files. Written again as one part (the same rows), a copy of the template
 * (every test warehouse, CLI data dir and kill-test child) copies ~100 files — the copy was a second of
 * a test warehouse's set-up beside another file, most of it these parts.
 */
async function compactMigrationRecords(wh: Warehouse): Promise<void> {
  const table = `${templateDatabase}.schema_migrations`;
  const rows = await queryRows<Record<string, unknown>>(wh, `SELECT * FROM ${table}`);
  await exec(wh, `TRUNCATE TABLE ${table}`);
  await wh.client.insert({ table, format: 'JSONEachRow', values: rows });
}
