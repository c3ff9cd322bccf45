import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import {
  buildSchedule,
  repaymentMethods,
  scheduleArraysSql,
  type ScheduleTerms,
} from '../../../../warehouse/schedule/build-schedule.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

let wh: Awaited<ReturnType<typeof testWarehouse>>;
beforeAll(async () => {
  wh = await testWarehouse('schedsql');
});
afterAll(() => disposeIfOpened(wh));

it('generates the same schedule in ClickHouse as in TypeScript, to the cent', async () => {
  const rng = new Rng(42);
  const terms: ScheduleTerms[] = Array.from({ length: 3000 }, () => ({
    originationDate:
      `20${rng.int(15, 24)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 31)).padStart(2, '0')}`
        .replace(/-(0[2])-(29|30|31)$/, '-$1-28')
        .replace(/-(04|06|09|11)-31$/, '-$1-30'),
    principalCents: rng.int(1, 5_000_000) * 100 + rng.int(0, 99),
    annualRate: rng.chance(0.05) ? 0 : Math.round(rng.uniform(0.01, 0.36) * 1e6) / 1e6,
    termMonths: rng.pick([1, 3, 6, 12, 24, 36, 60, 120, 240, 360]),
    method: rng.pick(repaymentMethods),
  }));
  const g = scheduleArraysSql({ orig: 'o', principalCents: 'p', rate: 'r', term: 'n', method: 'm' });
  const rows = await queryRows<{ i: number; due: string[]; pr: string[]; it: string[] }>(
    wh,
    `SELECT i, ${g.due} AS due, ${g.interest} AS it, ${g.principalFrom('it')} AS pr
     FROM (SELECT i, toDate(o) AS o, toInt64(p) AS p, toDecimal64(r, 6) AS r, toUInt16(n) AS n, m
           FROM (SELECT arrayJoin(arrayZip(range(length({o:Array(String)})), {o:Array(String)}, {p:Array(Int64)}, {r:Array(String)}, {n:Array(UInt16)}, {m:Array(String)})) AS z,
                        z.1 AS i, z.2 AS o, z.3 AS p, z.4 AS r, z.5 AS n, z.6 AS m))
     ORDER BY i`,
    {
      o: terms.map((t) => t.originationDate),
      p: terms.map((t) => t.principalCents),
      r: terms.map((t) => t.annualRate.toFixed(6)),
      n: terms.map((t) => t.termMonths),
      m: terms.map((t) => t.method),
    },
  );
  expect(rows).toHaveLength(terms.length);
  const diffs: string[] = [];
  rows.forEach((row, k) => {
    const ts = buildSchedule(terms[k]!);
    const sql = row.due.map((d, j) => ({
      dueDate: d,
      principalCents: Number(row.pr[j]),
      interestCents: Number(row.it[j]),
    }));
    const want = ts.map(({ dueDate, principalCents, interestCents }) => ({ dueDate, principalCents, interestCents }));
    if (JSON.stringify(sql) !== JSON.stringify(want)) diffs.push(JSON.stringify(terms[k]));
  });
  expect(diffs.slice(0, 5)).toEqual([]);
});
