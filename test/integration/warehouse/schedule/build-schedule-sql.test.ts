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

/** The columns `select` over one row per terms: o, p, r, n, m as scheduleArraysSql names them, and u (upTo, 0 when absent). */
function termRows<T>(select: string, terms: (ScheduleTerms & { upTo?: number })[]) {
  return queryRows<T>(
    wh,
    `SELECT ${select}
     FROM (SELECT i, toDate(o) AS o, toInt64(p) AS p, toDecimal64(r, 6) AS r, toUInt16(n) AS n, m, u
           FROM (SELECT arrayJoin(arrayZip(range(length({o:Array(String)})), {o:Array(String)}, {p:Array(Int64)}, {r:Array(String)}, {n:Array(UInt16)}, {m:Array(String)}, {u:Array(UInt32)})) AS z,
                        z.1 AS i, z.2 AS o, z.3 AS p, z.4 AS r, z.5 AS n, z.6 AS m, z.7 AS u))
     ORDER BY i`,
    {
      o: terms.map((t) => t.originationDate),
      p: terms.map((t) => t.principalCents),
      r: terms.map((t) => t.annualRate.toFixed(6)),
      n: terms.map((t) => t.termMonths),
      m: terms.map((t) => t.method),
      u: terms.map((t) => t.upTo ?? 0),
    },
  );
}

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
  const rows = await termRows<{ i: number; due: string[]; pr: string[]; it: string[] }>(
    `i, ${g.due} AS due, ${g.interest} AS it, ${g.principalFrom('it')} AS pr`,
    terms,
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

it('a prefix (upTo) is the whole schedule’s first installments, and every installment but the last is at least the floor', async () => {
  const rng = new Rng(7);
  const terms = Array.from({ length: 1500 }, () => {
    const termMonths = rng.pick([1, 2, 12, 36, 120, 360]);
    return {
      originationDate: `20${rng.int(15, 24)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
      principalCents: rng.int(1, 5_000_000) * 100 + rng.int(0, 99),
      annualRate: rng.chance(0.1) ? 0 : Math.round(rng.uniform(0.01, 0.36) * 1e6) / 1e6,
      termMonths,
      method: rng.pick(repaymentMethods),
      upTo: rng.int(1, termMonths + 3),
    };
  });
  const g = scheduleArraysSql({ orig: 'o', principalCents: 'p', rate: 'r', term: 'n', method: 'm', upTo: 'u' });
  const rows = await termRows<{ due: string[]; pr: string[]; it: string[]; prefix: number; floor: string }>(
    `${g.due} AS due, ${g.interest} AS it, ${g.principalFrom('it')} AS pr, toUInt8(${g.isPrefix}) AS prefix, ${g.installmentFloor} AS floor`,
    terms,
  );
  const diffs: string[] = [];
  rows.forEach((row, k) => {
    const t = terms[k]!;
    const whole = buildSchedule(t);
    const want = whole.slice(0, t.upTo).map((x) => [x.dueDate, x.principalCents, x.interestCents]);
    const got = row.due.map((d, j) => [d, Number(row.pr[j]), Number(row.it[j])]);
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`arrays ${JSON.stringify(t)}`);
    if (row.prefix !== (want.length < whole.length ? 1 : 0)) diffs.push(`prefix ${JSON.stringify(t)}`);
    const floor = Number(row.floor);
    if (whole.slice(0, -1).some((x) => x.principalCents + x.interestCents < floor))
      diffs.push(`floor ${JSON.stringify(t)}`);
  });
  expect(diffs.slice(0, 5)).toEqual([]);
  // the floor is a real one where the schedule has it (annuities, interest-only, equal principal)
  expect(rows.filter((r, k) => terms[k]!.method !== 'bullet' && Number(r.floor) > 0).length).toBeGreaterThan(1000);
});
