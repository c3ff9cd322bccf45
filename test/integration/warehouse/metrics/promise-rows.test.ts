import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { promiseRowsSql, specGraceDays, stageSinceSnapshot } from '../../../../warehouse/metrics/promise-sources.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { listPromises } from '../../../../pipelines/collections/promises.ts';
import { refreshSnapshots } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { param, render, sql, trusted, type Sql } from '../../../../warehouse/sql.ts';
import { Rng } from '../../../../lib/random.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

describe('promise lifecycle of some loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let promiseLoans: string[] = [];
  let otherLoans: string[] = [];
  beforeAll(async () => {
    wh = await warehouseWithBook('promise_rows', { loans: 800, months: 18, seed: 21 });
    const withPromises = new Set(
      (
        await queryRows<{ loan_id: string }>(
          wh,
          `SELECT DISTINCT loan_id FROM ${wh.database}.collection_actions WHERE outcome = 'promise_to_pay'`,
        )
      ).map((r) => r.loan_id),
    );
    const loans = (
      await queryRows<{ loan_id: string }>(wh, `SELECT loan_id FROM ${wh.database}.loans ORDER BY loan_id`)
    ).map((r) => r.loan_id);
    promiseLoans = loans.filter((l) => withPromises.has(l));
    otherLoans = loans.filter((l) => !withPromises.has(l));
  });
  afterAll(() => disposeIfOpened(wh));

  /** every column of each row, as text, sorted */
  const rows = async (statement: Sql) => {
    const { query, query_params } = render(sql`SELECT toString(tuple(*)) AS row FROM (${statement}) ORDER BY row`);
    return (await queryRows<{ row: string }>(wh, query, query_params)).map((r) => r.row);
  };

  it("the loans given, read alone, judge each of their promises as the whole book's lifecycle does", async () => {
    expect(promiseLoans.length).toBeGreaterThan(50);
    const rng = new Rng(5);
    for (const asOf of ['2023-11-30', '2024-03-17', '2024-06-30']) {
      const lifecycle = (loans?: Sql) =>
        promiseRowsSql(trusted(wh.database), sql`${param(asOf, 'Date')}`, trusted(String(specGraceDays)), loans);
      for (const size of [1, 25, 200]) {
        const picked = [...promiseLoans].sort(() => rng.next() - 0.5).slice(0, size);
        const only = sql`has(${param([...picked, ...otherLoans.slice(0, 5)], 'Array(String)')}, loan_id)`;
        const alone = await rows(lifecycle(only));
        expect(alone).toEqual(await rows(sql`SELECT * FROM (${lifecycle()}) WHERE ${only}`));
        if (asOf === '2024-06-30') expect(alone.length).toBeGreaterThanOrEqual(size);
      }
    }
  });

  it('a promise recorded after the snapshot is staged since_snapshot (not unknown) until the next snapshot stages it', async () => {
    const loan = promiseLoans[0]!;
    // as the console records one: source and ingest_id `console`, after the snapshot was built
    await exec(
      wh,
      `INSERT INTO ${wh.database}.collection_actions (action_id, loan_id, action_date, channel, outcome, agent_id, team,
        promised_amount, promised_date, action_time, ingest_id, source, recorded_by)
      VALUES ('REC-1', {loan:String}, '2024-06-20', 'phone', 'promise_to_pay', 'agent-1', 'team-1', 50, '2024-06-28', '', 'console', 'console', 'key-1')`,
      { loan },
    );
    const stageOf = async () =>
      (await listPromises(wh, { asOf: '2024-06-30' })).find((p) => p.action_id === 'REC-1')?.stage;
    const byStage = async () =>
      new Map(
        (await runMetric(wh, 'promises', { as_of: '2024-06-30', group_by: ['stage'] })).rows.map((r) => [
          String(r.stage),
          Number(r.promises),
        ]),
      );
    expect(await stageOf()).toBe(stageSinceSnapshot);
    expect((await byStage()).get(stageSinceSnapshot)).toBe(1);
    await refreshSnapshots(wh, { asOf: '2024-06-30', settings: defaultSettings });
    expect(['current', 'early', 'mid', 'late']).toContain(await stageOf());
    expect((await byStage()).has(stageSinceSnapshot)).toBe(false);
  });
});
