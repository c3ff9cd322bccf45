import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthEnds } from '../../../../lib/dates.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { MetricRequestError } from '../../../../warehouse/metrics/compile.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { withRequestMemo } from '../../../../warehouse/request-memo.ts';
import { warehouseForReports } from '../../../helpers/report-book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * The metrics over what later steps store (provisions, scores, monitoring, warnings), the ECL and the
 * loss forecast, each against an independent reading of the tables in TypeScript.
 */
const asOf = '2024-06-30';
const close = (a: number, b: number, what: string) => {
  expect(Math.abs(a - b), what).toBeLessThan(1e-9 * Math.max(1, Math.abs(b)));
};

describe('catalogue metrics over provisions, scores, warnings, ECL and the forecast', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  let book: {
    loan_id: string;
    month_end: string;
    status: string;
    five_class: string;
    balance: number;
    stage: number;
    default_flag: number;
    mob: number;
    product: string;
  }[];
  beforeAll(async () => {
    wh = await warehouseForReports('book_metrics');
    book = (
      await queryRows<{
        loan_id: string;
        month_end: string;
        status: string;
        five_class: string;
        balance: string;
        stage: number;
        default_flag: number;
        mob: number;
        product: string;
      }>(
        wh,
        `SELECT loan_id, toString(month_end) AS month_end, status, five_class, toString(principal_balance) AS balance,
           ifrs9_stage AS stage, default_flag, mob, product FROM ${wh.database}.loan_month`,
      )
    ).map((r) => ({ ...r, balance: Number(r.balance) }));
  });
  afterAll(() => disposeIfOpened(wh));

  it('provision_coverage: the latest provision load of each month over NPL and outstanding balances of loan_month', async () => {
    const loads = await queryRows<{ month_end: string; provision: string; loaded_at: string }>(
      wh,
      `SELECT toString(month_end) AS month_end, toString(provision) AS provision, toString(loaded_at) AS loaded_at FROM ${wh.database}.provisions`,
    );
    const latest = new Map<string, { provision: number; at: string }>();
    for (const l of loads) {
      const seen = latest.get(l.month_end);
      if (!seen || l.loaded_at > seen.at) latest.set(l.month_end, { provision: Number(l.provision), at: l.loaded_at });
    }
    const r = await runMetric(wh, 'provision_coverage', { as_of: asOf });
    expect(r.rows.map((x) => x.month_end)).toEqual([...latest.keys()].filter((m) => m <= asOf).sort());
    for (const row of r.rows) {
      const me = String(row.month_end);
      const active = book.filter((b) => b.month_end === me && b.status === 'active');
      const npl = active
        .filter((b) => ['substandard', 'doubtful', 'loss'].includes(b.five_class))
        .reduce((s, b) => s + b.balance, 0);
      const outstanding = active.reduce((s, b) => s + b.balance, 0);
      const provision = latest.get(me)!.provision;
      close(row.provision_coverage!, provision / npl, `coverage ${me}`);
      close(row.provision_ratio!, provision / outstanding, `ratio ${me}`);
    }
    // provisions are bank-wide: a segment filter is refused by name, not answered for the whole bank
    await expect(runMetric(wh, 'provision_coverage', { product: ['mortgage'] })).rejects.toThrow(
      /provision_coverage cannot be filtered by product/,
    );
    await expect(runMetric(wh, 'provision_coverage', { basis: 'count' })).rejects.toThrow(MetricRequestError);
  });

  it.each([
    ['the book', undefined],
    ['one product', 'mortgage'],
  ])(
    'ecl of %s: EAD by stage, stage 3 PD = 1, 12-month PDs counted from the loans that defaulted, ECL = EAD × PD × LGD',
    async (_, product) => {
      const segment = product === undefined ? {} : { product: [product] };
      const [ecl, lgd] = [
        await runMetric(wh, 'ecl', { as_of: asOf, ...segment }),
        await runMetric(wh, 'lgd', { as_of: asOf }),
      ];
      // the LGD is the book's (pooled); EAD and the PDs are the segment's
      const inSegment = book.filter((b) => product === undefined || b.product === product);
      expect(inSegment.length).toBeGreaterThan(0);
      const lgdUsed = Math.min(1, Math.max(0, lgd.rows[0]!.lgd!));
      const firstDefault = new Map<string, string>();
      for (const b of book)
        if (b.default_flag === 1 && (!firstDefault.has(b.loan_id) || b.month_end < firstDefault.get(b.loan_id)!))
          firstDefault.set(b.loan_id, b.month_end);
      const pd12 = (stage: number) => {
        const lo = addMonthEnds(asOf, -24);
        const hi = addMonthEnds(asOf, -12);
        const rows = inSegment.filter(
          (b) =>
            b.stage === stage &&
            b.status === 'active' &&
            b.default_flag === 0 &&
            b.balance > 0 &&
            b.month_end > lo &&
            b.month_end <= hi,
        );
        const defaulted = rows.filter((b) => {
          const d = firstDefault.get(b.loan_id);
          return d !== undefined && d > b.month_end && d <= addMonthEnds(b.month_end, 12);
        });
        const sum = (xs: typeof rows) => xs.reduce((s, b) => s + b.balance, 0);
        return rows.length ? sum(defaulted) / sum(rows) : 0;
      };
      const now = inSegment.filter((b) => b.month_end === asOf && b.status === 'active');
      expect(ecl.rows.map((r) => r.stage)).toEqual([...new Set(now.map((b) => b.stage))].sort());
      for (const row of ecl.rows) {
        const stage = Number(row.stage);
        const loans = now.filter((b) => b.stage === stage);
        expect(Number(row.loans)).toBe(loans.length);
        close(
          Number(row.ead),
          loans.reduce((s, b) => s + b.balance, 0),
          `EAD stage ${stage}`,
        );
        close(Number(row.lgd), lgdUsed, 'LGD');
        if (stage === 3) expect(row.pd).toBe(1);
        if (stage === 1) close(Number(row.pd), pd12(1), 'PD stage 1');
        if (stage === 2) {
          const years = Number(row.years);
          close(Number(row.pd), 1 - (1 - pd12(2)) * (1 - pd12(1)) ** (years - 1), 'PD stage 2');
        }
        close(Number(row.ecl), Number(row.ead) * Number(row.pd) * Number(row.lgd), `ECL stage ${stage}`);
        close(Number(row.coverage), Number(row.pd) * Number(row.lgd), `coverage stage ${stage}`);
      }
    },
  );

  it('score_distribution counts the champion’s scores by grade; warnings_summary the warnings table', async () => {
    const [champion] = await queryRows<{ model_name: string; version: number }>(
      wh,
      `SELECT model_name, version FROM ${wh.database}.champion_history ORDER BY decided_at DESC, model_name DESC, version DESC LIMIT 1`,
    );
    const scores = await queryRows<{ grade: string; n: string }>(
      wh,
      `SELECT grade, count() AS n FROM ${wh.database}.scores WHERE model_name = {m:String} AND model_version = {v:UInt32}
         AND month_end = {d:Date} GROUP BY grade ORDER BY grade`,
      { m: champion!.model_name, v: champion!.version, d: asOf },
    );
    const dist = await runMetric(wh, 'score_distribution', { as_of: asOf, from: asOf, to: asOf, group_by: ['grade'] });
    expect(dist.rows.map((r) => [r.grade, Number(r.loans)])).toEqual(scores.map((s) => [s.grade, Number(s.n)]));
    const fired = await queryRows<{ rule_id: string; severity: string }>(
      wh,
      `SELECT rule_id, toString(severity) AS severity FROM ${wh.database}.warnings WHERE as_of = {d:Date}`,
      { d: asOf },
    );
    const counts = new Map<string, number>();
    for (const w of fired)
      counts.set(`${w.rule_id}|${w.severity}`, (counts.get(`${w.rule_id}|${w.severity}`) ?? 0) + 1);
    const summary = await runMetric(wh, 'warnings_summary', { as_of: asOf, from: asOf, to: asOf });
    expect(new Map(summary.rows.map((r) => [`${r.rule_id}|${r.severity}`, Number(r.warnings)]))).toEqual(counts);
    expect(summary.basis).toBe('count');
  });

  it('forecast: balances, paid-off and charged-off add up to the starting balance every month (the matrix rows sum to 1)', async () => {
    const start = await runMetric(wh, 'overdue', { as_of: asOf, from: asOf, to: asOf });
    const total = Number(start.rows[0]!.outstanding);
    const f = await runMetric(wh, 'forecast', { as_of: asOf, months: 18 });
    expect(f.rows.map((r) => r.month_ahead)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    const buckets = f.columns.filter((c) => c.kind === 'measure' && !['paid_off', 'charged_off'].includes(c.name));
    let absorbed = 0;
    for (const row of f.rows) {
      absorbed += Number(row.paid_off) + Number(row.charged_off);
      const held = buckets.reduce((s, c) => s + Number(row[c.name]), 0);
      // each output is rounded to the cent on its own
      expect(Math.abs(held + absorbed - total)).toBeLessThan(0.01 * (buckets.length + 2 * f.rows.length));
      expect(Number(row.charged_off)).toBeGreaterThanOrEqual(0);
    }
    await expect(runMetric(wh, 'overdue', { months: 3 })).rejects.toThrow(/months applies to the forecast only/);
  });

  // last: it loads a provision
  it('within a request scope a repeated metric query runs once, and each caller gets its own rows', async () => {
    const request = { as_of: asOf, from: asOf, to: asOf };
    const before = (await runMetric(wh, 'provision_coverage', request)).rows;
    expect(before).toHaveLength(1);
    await withRequestMemo(async () => {
      const first = await runMetric(wh, 'provision_coverage', request);
      first.rows[0]!.provision = 'changed by a caller';
      await wh.client.insert({
        table: `${wh.database}.provisions`,
        format: 'JSONEachRow',
        values: [{ month_end: asOf, provision: '123.45', file: 'memo-test', loaded_at: '2099-01-01 00:00:00' }],
      });
      // the same query again: the scope's first result, not the caller's change nor the new load
      expect((await runMetric(wh, 'provision_coverage', request)).rows).toEqual(before);
    });
    // outside the scope every call reads
    expect(Number((await runMetric(wh, 'provision_coverage', request)).rows[0]!.provision)).toBe(123.45);
  });
});
