import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows, withSettings } from '../../../warehouse/connection.ts';
import { migrate } from '../../../warehouse/migrations/index.ts';
import { testWarehouse } from '../../helpers/warehouse.ts';

describe('warehouse connection and migrations', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => { wh = await testWarehouse('conn'); });
  afterAll(async () => wh?.dispose());

  it('migrations are recorded once and safe to re-run', async () => {
    expect(await migrate(wh)).toEqual([]);
    const rows = await queryRows<{ version: number }>(wh, `SELECT version FROM ${wh.database}.schema_migrations ORDER BY version`);
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('query settings apply to one query only (chDB would otherwise keep them for the session)', async () => {
    const get = async () => (await queryRows<{ v: string }>(wh, "SELECT toString(getSetting('input_format_csv_skip_first_lines')) AS v"))[0]!.v;
    expect(await get()).toBe('0');
    await exec(wh, 'SELECT 1', {}, { input_format_csv_skip_first_lines: 1 });
    const [inQuery] = await queryRows<{ v: string }>(wh, "SELECT toString(getSetting('input_format_csv_skip_first_lines')) AS v", {}, { input_format_csv_skip_first_lines: 3 });
    expect(inQuery!.v).toBe('3');
    expect(await get()).toBe('0');
  });

  it('renders settings safely and rejects odd names', () => {
    expect(withSettings('SELECT 1', { max_threads: 2, join_algorithm: "grace_hash,hash'" })).toBe("SELECT 1\nSETTINGS max_threads = 2, join_algorithm = 'grace_hash,hash'''");
    expect(() => withSettings('SELECT 1', { 'x; DROP': 1 })).toThrow(/invalid setting name/);
    expect(withSettings('SELECT 1', {})).toBe('SELECT 1');
  });

  it('binds values as parameters: an injection string is just data', async () => {
    const evil = "'; DROP TABLE loans --";
    const [r] = await queryRows<{ v: string }>(wh, 'SELECT {v:String} AS v', { v: evil });
    expect(r!.v).toBe(evil);
    expect((await queryRows(wh, `EXISTS TABLE ${wh.database}.loans`))[0]).toEqual({ result: 1 });
  });
});
