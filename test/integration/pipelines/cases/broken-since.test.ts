import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenSinceSql } from '../../../../pipelines/cases/broken-since.ts';
import { addDays, addMonthEnds } from '../../../../lib/dates.ts';
import { querySql } from '../../../../warehouse/connection.ts';
import { wholeBook } from '../../../../warehouse/loan-part.ts';
import { param, sql } from '../../../../warehouse/sql.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

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
