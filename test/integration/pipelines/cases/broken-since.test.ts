import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenSinceSql } from '../../../../pipelines/cases/broken-since.ts';
import { addDays, addMonthEnds } from '../../../../lib/dates.ts';
import { exec, querySql, queryRows } from '../../../../warehouse/connection.ts';
import { deleteRows } from '../../../../warehouse/delete-rows.ts';
import { recentUnkeptPromises } from '../../../../pipelines/collections/promises.ts';
import { seeded } from '../../../helpers/bad-row-file.ts';
import { wholeBook } from '../../../../warehouse/loan-part.ts';
import { param, sql } from '../../../../warehouse/sql.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/** a map's entries in loan order (its order is the engine's grouping, which a merge of two reads changes) */
const byLoan = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('broken promises since the scored month-end', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook('broken_since', { loans: 900, months: 18, seed: 11 });
  });
  afterAll(() => disposeIfOpened(wh));

  const counts = async (scoreMe: string, asOf: string, factsFresh: boolean, through = asOf) => {
    const q = brokenSinceSql(wh, {
      asOf: param(asOf, 'Date'),
      scoreMe: param(scoreMe, 'Date'),
      through: param(through, 'Date'),
      factsFresh,
      part: wholeBook,
    });
    const rows = await querySql<{ loan_id: string; broken: number }>(wh, sql`SELECT * FROM (${q}) ORDER BY loan_id`);
    return rows.filter((r) => r.broken > 0).map((r) => `${r.loan_id}:${r.broken}`);
  };

  it('read from a fresh snapshot’s facts equal those judged from the actions and payments, month after month', async () => {
    let broken = 0;
    for (let k = 1; k <= 12; k++) {
      const scoreMe = addMonthEnds('2024-06-30', -k);
      for (const asOf of [addDays(scoreMe, 1), addDays(scoreMe, 14), addDays(addMonthEnds(scoreMe, 1), -1)]) {
        const fromFacts = await counts(scoreMe, asOf, true);
        expect(fromFacts, `${scoreMe} → ${asOf}`).toEqual(await counts(scoreMe, asOf, false));
        broken += fromFacts.length;
      }
    }
    // the property has teeth: the book's promises break in these windows
    expect(broken).toBeGreaterThan(20);
  });

  // last: it records, corrects and withdraws promises as the console and the API do, after the snapshot
  it('promises recorded, corrected or withdrawn in the console since the snapshot are judged as stored, facts fresh or not', async () => {
    const db = wh.database;
    const window = { from: '2024-04-01', to: '2024-06-20' };
    const filed = await queryRows<{ action_id: string; loan_id: string; day: string }>(
      wh,
      `SELECT action_id, loan_id, toString(action_date) AS day FROM ${db}.collection_actions
       WHERE outcome = 'promise_to_pay' AND action_date BETWEEN {from:Date} AND {to:Date} ORDER BY action_id`,
      window,
    );
    const loans = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${db}.loan_month WHERE month_end = '2024-03-31' AND status = 'active' ORDER BY loan_id LIMIT 40`,
    );
    expect(filed.length).toBeGreaterThan(20);
    const rng = seeded(7);
    const day = () => addDays(window.from, Math.floor(rng() * 80));
    // recorded: new promises of 50-900 on active loans; corrected: a filed promise's amount and date moved
    const recorded = loans.map((l, i) => {
      const on = day();
      return [`REC-${i}`, l.loan_id, on, (50 + Math.floor(rng() * 850)).toFixed(2), addDays(on, Math.floor(rng() * 6))];
    });
    const corrected = filed.slice(0, 8).map((a) => [a.action_id, a.loan_id, a.day, '1.00', addDays(a.day, 9)]);
    const withdrawn = filed.slice(8, 16).map((a) => a.action_id);
    await deleteRows(wh, 'collection_actions', 'action_id IN {ids:Array(String)}', {
      ids: [...corrected.map((c) => c[0]!), ...withdrawn],
    });
    await exec(
      wh,
      `INSERT INTO ${db}.collection_actions (action_id, loan_id, action_date, channel, outcome, agent_id, team,
         promised_amount, promised_date, action_time, ingest_id, source, recorded_by, note) VALUES ${[
           ...recorded,
           ...corrected,
         ]
           .map(
             ([id, loan, on, amount, due]) =>
               `('${id}', '${loan}', '${on}', 'phone', 'promise_to_pay', 'a1', 't1', ${amount}, '${due}', '', '', 'console', 'k', '')`,
           )
           .join(', ')}`,
    );
    let broken = 0;
    for (const scoreMe of ['2024-03-31', '2024-04-30', '2024-05-31']) {
      for (const asOf of [addDays(scoreMe, 12), addDays(addMonthEnds(scoreMe, 1), -1)]) {
        const fromFacts = await counts(scoreMe, asOf, true);
        expect(fromFacts, `${scoreMe} → ${asOf}`).toEqual(await counts(scoreMe, asOf, false));
        broken += fromFacts.length;
        const o = { asOf, lookbackDays: 30, graceDays: 3, states: ['broken', 'partial'] as const };
        expect(byLoan(await recentUnkeptPromises(wh, { ...o, factsFresh: true })), asOf).toEqual(
          byLoan(await recentUnkeptPromises(wh, o)),
        );
      }
    }
    expect(broken).toBeGreaterThan(5);
  });

  it('a deadline after the last day whose payments are loaded is not judged: as if the date were the day after it', async () => {
    let unjudged = 0;
    for (let k = 1; k <= 12; k++) {
      const scoreMe = addMonthEnds('2024-06-30', -k);
      const asOf = addDays(addMonthEnds(scoreMe, 1), -1);
      const through = addDays(asOf, -7);
      for (const fresh of [true, false]) {
        const clamped = await counts(scoreMe, asOf, fresh, through);
        expect(clamped, `${scoreMe} → ${asOf} through ${through}`).toEqual(
          await counts(scoreMe, addDays(through, 1), fresh),
        );
        if (fresh) unjudged += (await counts(scoreMe, asOf, fresh)).length - clamped.length;
      }
    }
    expect(unjudged).toBeGreaterThan(0);
  });
});
