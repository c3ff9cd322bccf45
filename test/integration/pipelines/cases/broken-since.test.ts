// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenSinceSql } from '../../../../pipelines/cases/broken-since.ts';
import { addDays, addMonthEnds } from '../../../../lib/dates.ts';
import { querySql, queryRows } from '../../../../warehouse/connection.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { refreshSnapshots } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { loansWithPromisesSinceSnapshot } from '../../../../pipelines/collections/promises-since-snapshot.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
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
      changedLoans: factsFresh ? await loansWithPromisesSinceSnapshot(wh) : [],
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

  // last: it records, corrects and withdraws promises through the API (as the console does), then snapshots
  it('promises recorded, corrected or withdrawn in the console since the snapshot are judged as stored, facts fresh or not', async () => {
    const db = wh.database;
    const app = unthrottledApp(wh);
    const { key } = await createApiKey(wh, { role: 'admin', label: 't' });
    const call = async (method: string, path: string, body: unknown) =>
      (
        await app.request(path, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status;
    const loans = (
      await queryRows<{ loan_id: string }>(
        wh,
        `SELECT loan_id FROM ${db}.loan_month WHERE month_end = '2024-03-31' AND status = 'active' ORDER BY loan_id LIMIT 45`,
      )
    ).map((r) => r.loan_id);
    const rng = seeded(7);
    const promise = (i: number) => {
      const on = addDays('2024-04-01', Math.floor(rng() * 80));
      return {
        action_id: `REC-${i}`,
        loan_id: loans[i]!,
        action_date: on,
        channel: 'phone',
        outcome: 'promise_to_pay',
        promised_amount: (50 + Math.floor(rng() * 850)).toFixed(2),
        promised_date: addDays(on, Math.floor(rng() * 6)),
      };
    };
    // recorded before the snapshot (its facts hold them), then corrected or withdrawn after it; others recorded after it
    const before = loans.slice(0, 15).map((_, i) => promise(i));
    for (const p of before) expect(await call('POST', '/v1/collection-actions', p), p.action_id).toBe(201);
    await refreshSnapshots(wh, { asOf: '2024-06-30', settings: defaultSettings });
    expect(await loansWithPromisesSinceSnapshot(wh)).toEqual([]);
    for (const p of before.slice(0, 6)) {
      const { action_id: id, loan_id: _loan, ...rest } = p;
      const moved = { ...rest, promised_amount: '1.00', promised_date: addDays(p.action_date, 9), reason: 'misheard' };
      expect(await call('PUT', `/v1/collection-actions/${id}`, moved), id).toBe(200);
    }
    for (const p of before.slice(6, 11))
      expect(await call('POST', `/v1/collection-actions/${p.action_id}/withdraw`, { reason: 'wrong loan' })).toBe(200);
    for (let i = 15; i < loans.length; i++)
      expect(await call('POST', '/v1/collection-actions', promise(i)), `REC-${i}`).toBe(201);
    const changed = await loansWithPromisesSinceSnapshot(wh);
    expect(changed).toEqual([...loans.slice(0, 11), ...loans.slice(15)].sort());
    let broken = 0;
    for (const scoreMe of ['2024-03-31', '2024-04-30', '2024-05-31']) {
      for (const asOf of [addDays(scoreMe, 12), addDays(addMonthEnds(scoreMe, 1), -1)]) {
        const fromFacts = await counts(scoreMe, asOf, true);
        expect(fromFacts, `${scoreMe} → ${asOf}`).toEqual(await counts(scoreMe, asOf, false));
        broken += fromFacts.filter((c) => changed.includes(c.split(':')[0]!)).length;
        const o = { asOf, lookbackDays: 30, graceDays: 3, states: ['broken', 'partial'] as const };
        expect(byLoan(await recentUnkeptPromises(wh, { ...o, factsFresh: true })), asOf).toEqual(
          byLoan(await recentUnkeptPromises(wh, o)),
        );
      }
    }
    // the changed loans' promises break in these windows: the property has teeth
    expect(broken).toBeGreaterThan(3);
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
