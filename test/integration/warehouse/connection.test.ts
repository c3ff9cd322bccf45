import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../warehouse/config.ts';
import {
  engineMemorySettings,
  enginePlanningSettings,
  exec,
  queryRows,
  querySql,
  withSettings,
} from '../../../warehouse/connection.ts';
import { querySqlCompact } from '../../../warehouse/compact-rows.ts';
import { param, sql } from '../../../warehouse/sql.ts';
import { migrate, migrations } from '../../../warehouse/migrations/index.ts';
import { dataColumns, rawTables, rowHashExpr, systemTables } from '../../../warehouse/tables.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

describe('warehouse connection and migrations', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('conn');
  });
  afterAll(() => disposeIfOpened(wh));

  it('every statement runs under the engine memory bounds of the configuration (files read with pread, not mapped)', async () => {
    const [s] = await queryRows<Record<string, string>>(
      wh,
      `SELECT toString(getSetting('max_memory_usage')) AS max_memory_usage,
        toString(getSetting('max_bytes_before_external_group_by')) AS max_bytes_before_external_group_by,
        toString(getSetting('max_bytes_before_external_sort')) AS max_bytes_before_external_sort,
        toString(getSetting('storage_file_read_method')) AS storage_file_read_method`,
    );
    expect(s).toEqual(engineMemorySettings(loadConfig({})));
  });

  it('every statement runs under the planning settings (no and-compare-chain rewrite)', async () => {
    const [s] = await queryRows<Record<string, number>>(
      wh,
      `SELECT toUInt8(getSetting('optimize_and_compare_chain')) AS optimize_and_compare_chain`,
    );
    expect(s).toEqual({ optimize_and_compare_chain: Number(enginePlanningSettings.optimize_and_compare_chain) });
  });

  it('migrations are recorded once and safe to re-run', async () => {
    expect(await migrate(wh)).toEqual([]);
    const rows = await queryRows<{ version: number }>(
      wh,
      `SELECT version FROM ${wh.database}.schema_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    // the list is in ascending order of version, each once (a number may stay unused)
    expect(migrations.map((m) => m.version)).toEqual(
      [...new Set(migrations.map((m) => m.version))].sort((a, b) => a - b),
    );
  });

  it('migrations 14 and 15 turn a stored row_hash into the ALIAS of the same hash and ingest_id into LowCardinality, keeping the rows', async () => {
    const payments = `${wh.database}.payments`;
    // a raw table as migrations 1–13 left it: row_hash stored, written by the ingest
    await exec(wh, `ALTER TABLE ${payments} DROP COLUMN row_hash`);
    await exec(wh, `ALTER TABLE ${payments} ADD COLUMN row_hash UInt64`);
    await exec(wh, `ALTER TABLE ${payments} MODIFY COLUMN ingest_id String`);
    await exec(
      wh,
      `INSERT INTO ${payments} (payment_id, loan_id, paid_date, amount, principal_paid, channel, ingest_id, row_hash)
      SELECT 'P1', 'L1', toDate('2024-03-05'), 120.5, NULL, 'bank', 'i1', ${rowHashExpr(dataColumns(rawTables.payments))}
      FROM (SELECT 'P1' AS payment_id, 'L1' AS loan_id, toDate('2024-03-05') AS paid_date, toDecimal64(120.5, 2) AS amount,
        CAST(NULL AS Nullable(Decimal(18, 2))) AS principal_paid, CAST(NULL AS Nullable(Decimal(18, 2))) AS interest_paid,
        CAST(NULL AS Nullable(Decimal(18, 2))) AS penalty_paid, 'bank' AS channel)`,
    );
    const [stored] = await queryRows<{ h: string }>(wh, `SELECT toString(row_hash) AS h FROM ${payments}`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version IN (14, 15)`);
    expect(await migrate(wh)).toEqual([14, 15]);
    const kinds = await queryRows(
      wh,
      `SELECT name, type, default_kind FROM system.columns WHERE database = {db:String} AND table = 'payments' AND name IN ('row_hash', 'ingest_id') ORDER BY name`,
      { db: wh.database },
    );
    expect(kinds).toEqual([
      { name: 'ingest_id', type: 'LowCardinality(String)', default_kind: '' },
      { name: 'row_hash', type: 'UInt64', default_kind: 'ALIAS' },
    ]);
    expect(await queryRows(wh, `SELECT payment_id, ingest_id, toString(row_hash) AS h FROM ${payments}`)).toEqual([
      { payment_id: 'P1', ingest_id: 'i1', h: stored!.h },
    ]);
    await exec(wh, `TRUNCATE TABLE ${payments}`);
  });

  it('migration 29 replaces warning_facts.nexts with the judged pairs', async () => {
    const facts = `${wh.database}.warning_facts`;
    const columns = async () =>
      (
        await queryRows<{ name: string; type: string }>(
          wh,
          `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'warning_facts' AND name IN ('nexts', 'pairs')`,
          { db: wh.database },
        )
      ).map((c) => `${c.name} ${c.type}`);
    const pairs = 'pairs Array(Tuple(UInt8, UInt16, UInt8, Date, Date))';
    expect(await columns()).toEqual([pairs]);
    // the table as migration 27 created it
    await exec(wh, `ALTER TABLE ${facts} DROP COLUMN pairs`);
    await exec(wh, `ALTER TABLE ${facts} ADD COLUMN nexts Array(Tuple(Int64, UInt32, Date))`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 29`);
    expect(await migrate(wh)).toEqual([29]);
    expect(await columns()).toEqual([pairs]);
  });

  it('migration 30 creates restructure_facts and sale_facts as declared', async () => {
    const columns = async (table: 'restructure_facts' | 'sale_facts') =>
      (
        await queryRows<{ name: string; type: string }>(
          wh,
          `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position`,
          { db: wh.database, t: table },
        )
      ).map((c) => [c.name, c.type]);
    for (const t of ['restructure_facts', 'sale_facts'] as const) {
      await exec(wh, `DROP TABLE ${wh.database}.${t}`);
      expect(await columns(t)).toEqual([]);
    }
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 30`);
    expect(await migrate(wh)).toEqual([30]);
    for (const t of ['restructure_facts', 'sale_facts'] as const)
      expect(await columns(t)).toEqual(systemTables[t].columns.map(([n, type]) => [n, type]));
  });

  it.each([
    ['28', ['cash_k', 'cash', 'pre_default', 'paid_off_me'], [28, 31, 32]],
    ['31', ['pre_default', 'paid_off_me'], [31, 32]],
    ['32', ['paid_off_me'], [32]],
  ])(
    'a warehouse from before migration %s gets every loan_defaults column, each migration that fills it running',
    async (_, dropped, versions) => {
      const columns = async () =>
        (
          await queryRows<{ name: string; type: string }>(
            wh,
            `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'loan_defaults' ORDER BY position`,
            { db: wh.database },
          )
        ).map((c) => [c.name, c.type]);
      const declared = systemTables.loan_defaults.columns.map(([n, type]) => [n, type]);
      expect(await columns()).toEqual(declared);
      for (const name of dropped) await exec(wh, `ALTER TABLE ${wh.database}.loan_defaults DROP COLUMN ${name}`);
      await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version IN {v:Array(UInt32)}`, {
        v: versions,
      });
      expect(await migrate(wh)).toEqual(versions);
      expect(await columns()).toEqual(declared);
    },
  );

  it('query settings apply to one query only (chDB would otherwise keep them for the session)', async () => {
    const get = async () =>
      (await queryRows<{ v: string }>(wh, "SELECT toString(getSetting('input_format_csv_skip_first_lines')) AS v"))[0]!
        .v;
    expect(await get()).toBe('0');
    await exec(wh, 'SELECT 1', {}, { input_format_csv_skip_first_lines: 1 });
    const [inQuery] = await queryRows<{ v: string }>(
      wh,
      "SELECT toString(getSetting('input_format_csv_skip_first_lines')) AS v",
      {},
      { input_format_csv_skip_first_lines: 3 },
    );
    expect(inQuery!.v).toBe('3');
    expect(await get()).toBe('0');
  });

  it('a compact read gives the rows querySql gives, value for value, with its settings', async () => {
    const statement = sql`SELECT number AS n, toString(number) AS s, concat('a', char(10), 'b') AS nl, toUInt64(number) * 1000000000000 AS big,
        if(number = 1, NULL, number / 3) AS maybe, toDecimal64(number + 0.1, 2) AS money, [CAST((toString(number), 'x'), 'Tuple(d String, c String)')] AS tuples,
        '中文' AS zh
      FROM numbers(3) WHERE number < ${param(3, 'UInt8')} ORDER BY n`;
    const settings = { output_format_json_named_tuples_as_objects: 1 };
    expect(await querySqlCompact(wh, statement, settings)).toEqual(await querySql(wh, statement, settings));
    expect(await querySqlCompact(wh, sql`SELECT 1 AS a WHERE 0`)).toEqual([]);
  });

  it('renders settings safely and rejects odd names', () => {
    expect(withSettings('SELECT 1', { max_threads: 2, join_algorithm: "grace_hash,hash'" })).toBe(
      "SELECT 1\nSETTINGS max_threads = 2, join_algorithm = 'grace_hash,hash'''",
    );
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
