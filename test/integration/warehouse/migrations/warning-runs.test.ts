import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { warningDay } from '../../../../pipelines/warnings/warning-runs.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Migration 43: warning_runs, the record of each run of the warning rules. A warehouse migrated
 * before it holds warnings without run rows: their days still list (computed when their latest
 * warning was stored), so nothing that answered before the upgrade is refused after it.
 */
describe('migration 43: warning_runs', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_43');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('creates the table on a warehouse at 42, whose fired days stay computed', async () => {
    await exec(wh, `DROP TABLE ${wh.database}.warning_runs`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 43`);
    await exec(
      wh,
      `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, fired_at)
      VALUES ('2024-06-30', 'overdue_3_months', 'consecutive_overdue', 'critical', 'L1', '', 3, 3, '{}', 'east', 'consumer', 'east-01', '', '2024-07-01 06:00:12')`,
    );
    expect(await migrate(wh)).toEqual([43]);
    const columns = await queryRows<{ name: string }>(
      wh,
      `SELECT name FROM system.columns WHERE database = {d:String} AND table = 'warning_runs' ORDER BY position`,
      { d: wh.database },
    );
    expect(columns.map((c) => c.name)).toEqual([
      'as_of',
      'run_id',
      'event',
      'at',
      'rules_digest',
      'rule_ids',
      'champion',
      'skipped',
      'fired',
      'rule_kinds',
    ]);
    expect(await warningDay(wh, '2024-06-30')).toEqual({
      state: 'computed',
      computed_at: '2024-07-01 06:00:12',
      stored: 1,
      skipped: [],
      rule_ids: null,
      rule_kinds: null,
      champion: '',
    });
    expect(await warningDay(wh, '2024-05-31')).toEqual({ state: 'never' });
    expect(await migrate(wh)).toEqual([]);
  });
});

/**
 * Migration 45: each run's rule kinds beside its ids. A run recorded before it has none: its kinds
 * read as unknown (null), and a request by kind falls back to the caller's rules.
 */
describe('migration 45: warning_runs.rule_kinds', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_45');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('adds the column on a warehouse at 44; a run recorded before it reads as having no kinds', async () => {
    await exec(wh, `ALTER TABLE ${wh.database}.warning_runs DROP COLUMN rule_kinds`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 45`);
    await exec(
      wh,
      `INSERT INTO ${wh.database}.warning_runs (as_of, run_id, event, at, rule_ids) VALUES
        ('2024-06-30', 'r1', 'started', '2024-07-01 06:00:00', ['overdue_3_months']),
        ('2024-06-30', 'r1', 'finished', '2024-07-01 06:00:12', ['overdue_3_months'])`,
    );
    expect(await migrate(wh)).toEqual([45]);
    expect(await warningDay(wh, '2024-06-30')).toMatchObject({
      state: 'computed',
      rule_ids: ['overdue_3_months'],
      rule_kinds: null,
    });
    expect(await migrate(wh)).toEqual([]);
  });
});
