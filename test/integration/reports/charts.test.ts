import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templates } from '../../../reports/catalogue.ts';
import { fetchChartData } from '../../../reports/data/fetch.ts';
import { languages } from '../../../reports/i18n.ts';
import { buildChart, packMeta, reportPeriod } from '../../../reports/pack.ts';
import { cjkFontFile } from '../../../reports/render/fonts.ts';
import { chartSubtitleLines } from '../../../reports/spec.ts';
import { renderSvg } from '../../../reports/render/svg.ts';
import { width as chartWidth } from '../../../reports/theme.ts';
import type { ReportPeriod, Row } from '../../../reports/template.ts';
import { addMonthEnds } from '../../../lib/dates.ts';
import { lastSnapshotMonthEnd } from '../../../warehouse/data-horizon.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { queryRows } from '../../../warehouse/connection.ts';
import { pooledCurves } from '../../../warehouse/workout/disposal-book.ts';
import { overlappingAxisLabels } from '../../helpers/axis-labels.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/**
 * The charts of both packs on the generated report book, for two periods: flow rates that cannot
 * exceed 100 %, every chart's SVG naming its period and as-of date in both languages, the ECL walk
 * adding up to the change in ECL to the cent, the migration matrix's rows adding up to the start
 * classes, and each series' colour the same in both languages.
 */
const cents = (x: unknown) => Math.round(Number(x) * 100);
const sumByStage = (loans: Map<string, { stage: number; ead: number }>) => {
  const out = new Map<number, number>();
  for (const l of loans.values()) out.set(l.stage, (out.get(l.stage) ?? 0) + l.ead);
  return out;
};
const svgText = (svg: string) =>
  [...svg.matchAll(/<(?:text|tspan)[^>]*>([^<]*)(?=<)/gu)].map((m) => m[1]!.replace(/&amp;/gu, '&')).join('\n');

describe('report charts on the generated book', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const font = cjkFontFile();
  const periods: Record<string, ReportPeriod> = {};
  beforeAll(async () => {
    wh = await warehouseForReports('charts');
    for (const period of ['2024-06', '2024-05', '2024-03']) periods[period] = await reportPeriod(wh, period);
  });
  afterAll(() => disposeIfOpened(wh));

  it('the packs use the metrics’ own 12-month window: 12 month-ends, 12 moves, migration from M − 12', async () => {
    const p = periods['2024-06']!;
    expect(p.from).toBe(addMonthEnds(p.monthEnd, -11));
    const overdue = await runMetric(wh, 'overdue', { as_of: p.monthEnd });
    expect(overdue.rows.map((r) => r.month_end)).toEqual(Array.from({ length: 12 }, (_, i) => addMonthEnds(p.from, i)));
    const moves = await runMetric(wh, 'roll_forward', { as_of: p.monthEnd, group_by: ['month_end', 'from_bucket'] });
    expect(new Set(moves.rows.map((r) => r.month_end)).size).toBe(12);
    // the pack's migration equals the CLI default (no from/to)
    const pack = await runMetric(wh, 'migration', { from: p.from, to: p.monthEnd, as_of: p.monthEnd });
    const cli = await runMetric(wh, 'migration', { as_of: p.monthEnd });
    expect(pack.rows).toEqual(cli.rows);
    const forecastPack = await runMetric(wh, 'forecast', { from: p.from, to: p.monthEnd, as_of: p.monthEnd });
    expect(forecastPack.rows).toEqual((await runMetric(wh, 'forecast', { as_of: p.monthEnd })).rows);
  });

  it('the data’s first month (2021-07): the period knows where the data starts, the texts say 1 month, the five-category trend draws its month', async () => {
    expect(periods['2024-06']!.dataFrom).toBeUndefined();
    const p = await reportPeriod(wh, '2021-07');
    expect(p).toMatchObject({ from: '2020-08-31', dataFrom: '2021-07-31' });
    expect(packMeta('regulatory', p, 'en').subtitle).toContain('1 month from 2021-07-31, where the data starts');
    for (const t of templates) expect(t.shows(p, 'en'), t.id).not.toContain('2020-');
    const c = await buildChart(
      wh,
      templates.find((x) => x.id === 'five-category-trend')!,
      p,
      'en',
      font,
    );
    expect(svgText(c.svg)).toContain('2021-07');
    expect(c.svg.match(/aria-roledescription="point"/gu)).toHaveLength(4);
  });

  it.each(['2024-06', '2024-03'])('flow rates (%s) are all within 0 … 100 %', async (period) => {
    const t = templates.find((x) => x.id === 'flow-rate-trend')!;
    const { rows } = await fetchChartData(wh, t.data(periods[period]!));
    expect(rows.length).toBeGreaterThan(12);
    for (const r of rows) {
      for (const f of ['roll_forward_rate', 'write_off_rate', 'cure_rate'] as const)
        if (r[f] !== null) {
          expect(Number(r[f])).toBeGreaterThanOrEqual(0);
          expect(Number(r[f])).toBeLessThanOrEqual(1);
        }
    }
  });

  it('every chart’s SVG carries its period, the as-of date, the unit and the footnote, in both languages; series colours equal across languages', async () => {
    const p = periods['2024-06']!;
    for (const t of templates) {
      const colours: string[] = [];
      for (const lang of languages) {
        const c = await buildChart(wh, t, p, lang, font);
        const text = svgText(c.svg);
        // the rows drawn: a chart whose months they decide (model monitoring, the vintage cohorts) names those
        const drawn = (c.spec as { data: { values: Row[] } }).data.values;
        expect(text, `${t.id} ${lang}`).toContain(t.shows(p, lang, drawn));
        expect(text, `${t.id} ${lang}`).toContain(p.monthEnd);
        for (const line of chartSubtitleLines(t, p, lang, t.size?.width ?? chartWidth, drawn.length > 0, drawn))
          expect(text, `${t.id} ${lang}`).toContain(line);
        expect(text.replace(/\n/gu, ''), `${t.id} ${lang}`).toContain(t.note[lang].slice(0, 12));
        // colours by code: the fills and strokes the SVG uses, in document order of the data marks
        colours.push(JSON.stringify(colourScales(c.spec)));
      }
      expect(colours[0], t.id).toBe(colours[1]);
    }
  });

  it.each(['2024-06', '2024-05'])(
    'no chart’s subtitle (%s) runs past the chart: its image is as wide as without the subtitle, in either language',
    async (period) => {
      const p = periods[period]!;
      const svgWidth = (svg: string) => Number(/^<svg[^>]*\swidth="([\d.]+)"/u.exec(svg)?.[1]);
      for (const t of templates)
        for (const lang of languages) {
          const c = await buildChart(wh, t, p, lang, font);
          const title = (c.spec as { title: { text: string } }).title;
          const bare = await renderSvg({ ...c.spec, title: { text: title.text } }, font);
          expect(svgWidth(c.svg), `${t.id} ${lang}`).toBe(svgWidth(bare));
        }
    },
  );

  it.each(['2024-06', '2024-03'])(
    'no chart (%s) prints axis labels over each other, in either language',
    async (period) => {
      const p = periods[period]!;
      for (const t of templates)
        for (const lang of languages) {
          const c = await buildChart(wh, t, p, lang, font);
          expect(await overlappingAxisLabels(c.spec, font), `${t.id} ${lang}`).toEqual([]);
        }
    },
  );

  it('the ECL walk adds up to the change in ECL to the cent, from the ecl metric at both month-ends', async () => {
    for (const p of Object.values(periods)) {
      const walk = await runMetric(wh, 'ecl_walk', { as_of: p.monthEnd });
      const step = new Map(walk.rows.map((r) => [String(r.step), cents(r.amount)]));
      const opening = step.get('opening')!;
      const closing = step.get('closing')!;
      const middle = [...step].filter(([k]) => k !== 'opening' && k !== 'closing');
      expect(middle.map(([k]) => k)).toEqual([
        'new_loans',
        'repaid',
        'written_off',
        'stage_moves',
        'pd_change',
        'lgd_change',
      ]);
      expect(middle.reduce((s, [, v]) => s + v, 0)).toBe(closing - opening);
      const eclAt = async (asOf: string) =>
        Math.round((await runMetric(wh, 'ecl', { as_of: asOf })).rows.reduce((s, r) => s + Number(r.ecl), 0) * 100);
      expect(opening).toBe(await eclAt(addMonthEnds(p.monthEnd, -1)));
      expect(closing).toBe(await eclAt(p.monthEnd));
      // each step's bar runs from the running total before it to the one after
      for (const r of walk.rows.filter((x) => x.step !== 'opening' && x.step !== 'closing'))
        expect(cents(r.after) - cents(r.before)).toBe(cents(r.amount));
    }
  });

  it('the ECL walk equals the loan-by-loan split of the change (ecl by loan at both month-ends, the month’s moves to WO), for the book and a segment', async () => {
    const product = String(
      (await runMetric(wh, 'overdue', { as_of: periods['2024-06']!.monthEnd, group_by: ['product'] })).rows[0]!.product,
    );
    for (const p of Object.values(periods))
      for (const segment of [{}, { product: [product] }]) {
        const prev = addMonthEnds(p.monthEnd, -1);
        const params = async (at: string) => {
          const r = await runMetric(wh, 'ecl', { ...segment, as_of: at });
          return { pd: new Map(r.rows.map((x) => [Number(x.stage), Number(x.pd)])), lgd: Number(r.rows[0]?.lgd ?? 0) };
        };
        const loans = async (at: string) =>
          new Map(
            (await runMetric(wh, 'ecl', { ...segment, as_of: at, group_by: ['stage', 'loan_id'] })).rows.map((x) => [
              String(x.loan_id),
              { stage: Number(x.stage), ead: Number(x.ead) },
            ]),
          );
        const [p0, p1, l0, l1] = [
          await params(prev),
          await params(p.monthEnd),
          await loans(prev),
          await loans(p.monthEnd),
        ];
        const wo = new Set(
          (
            await runMetric(wh, 'roll_rate', {
              ...segment,
              as_of: p.monthEnd,
              from: p.monthEnd,
              to: p.monthEnd,
              group_by: ['loan_id', 'to_bucket'],
            })
          ).rows
            .filter((x) => x.to_bucket === 'WO')
            .map((x) => String(x.loan_id)),
        );
        const pd0 = (s: number) => p0.pd.get(s) ?? p1.pd.get(s) ?? 0;
        const pd1 = (s: number) => p1.pd.get(s) ?? 0;
        const want = { new_loans: 0, repaid: 0, written_off: 0, stage_moves: 0, pd_change: 0 };
        for (const [id, a] of l0) {
          const b = l1.get(id);
          if (!b) {
            want[wo.has(id) ? 'written_off' : 'repaid'] -= a.ead * pd0(a.stage) * p0.lgd;
            continue;
          }
          want.repaid += (b.ead - a.ead) * pd0(a.stage) * p0.lgd;
          want.stage_moves += b.ead * (pd0(b.stage) - pd0(a.stage)) * p0.lgd;
          want.pd_change += b.ead * (pd1(b.stage) - pd0(b.stage)) * p0.lgd;
        }
        for (const [id, b] of l1) if (!l0.has(id)) want.new_loans += b.ead * pd1(b.stage) * p1.lgd;
        const walk = await runMetric(wh, 'ecl_walk', { ...segment, as_of: p.monthEnd });
        const got = new Map(walk.rows.map((r) => [String(r.step), cents(r.amount)]));
        expect(wo.size + [...l0.keys()].filter((id) => !l1.has(id)).length, 'the book has exits').toBeGreaterThan(0);
        for (const [k, v] of Object.entries(want))
          expect(Math.abs(got.get(k)! - cents(v)), `${p.monthEnd} ${JSON.stringify(segment)} ${k}`).toBeLessThanOrEqual(
            1,
          );
        // the transfers' EAD at each end is the ecl metric's by stage
        const moves = await runMetric(wh, 'ecl_stage_moves', {
          ...segment,
          as_of: p.monthEnd,
          group_by: ['from_stage'],
        });
        for (const [stage, ead] of sumByStage(l0))
          expect(cents(moves.rows.find((r) => Number(r.from_stage) === stage)?.ead_from)).toBe(cents(ead));
      }
  });

  it('interest arrears of a period (and a segment) are the accrual rows of those month-ends, summed', async () => {
    const p = periods['2024-03']!;
    const product = String(
      (await runMetric(wh, 'overdue', { as_of: p.monthEnd, group_by: ['product'] })).rows[0]!.product,
    );
    for (const segment of [{}, { product: [product] }]) {
      const got = await runMetric(wh, 'interest_arrears', {
        ...segment,
        from: p.from,
        to: p.monthEnd,
        as_of: p.monthEnd,
      });
      const want = await queryRows<{ month_end: string; on_bs: string; off_bs: string }>(
        wh,
        `SELECT toString(a.month_end) AS month_end, toString(sum(a.interest_arrears_on_bs)) AS on_bs,
           toString(sum(a.interest_arrears_off_bs)) AS off_bs
         FROM ${wh.database}.loan_month_accrual AS a
         INNER JOIN ${wh.database}.loans AS l ON l.loan_id = a.loan_id
         WHERE a.month_end BETWEEN {from:Date} AND {to:Date}
           AND ({product:Array(String)} = [] OR l.product IN {product:Array(String)})
         GROUP BY a.month_end ORDER BY a.month_end`,
        { from: p.from, to: p.monthEnd, product: 'product' in segment ? segment.product : [] },
      );
      expect(want).toHaveLength(12);
      expect(got.rows.map((r) => [r.month_end, cents(r.on_balance_sheet), cents(r.off_balance_sheet)])).toEqual(
        want.map((r) => [r.month_end, cents(r.on_bs), cents(r.off_bs)]),
      );
    }
  });

  it("the disposal evidence's pooled recovery curves are the recovery metric's pooled run, to the cent", async () => {
    const req = { as_of: periods['2024-06']!.monthEnd, basis: 'balance' as const };
    const byProduct = await runMetric(wh, 'recovery', {
      ...req,
      group_by: ['default_cohort', 'months_since_default', 'product'],
    });
    const pooled = await runMetric(wh, 'recovery', { ...req, group_by: ['default_cohort', 'months_since_default'] });
    expect(new Set(byProduct.rows.map((r) => r.product)).size).toBeGreaterThan(1);
    const key = (r: Record<string, unknown>) => `${String(r.default_cohort)}|${String(r.months_since_default)}`;
    const got = new Map(
      pooledCurves(byProduct.rows).map((r) => [key(r), [cents(r.ead), cents(r.recovered), Number(r.defaulted_loans)]]),
    );
    expect(got.size).toBe(pooled.rows.length);
    for (const r of pooled.rows)
      expect(got.get(key(r)), key(r)).toEqual([cents(r.ead), cents(r.recovered), Number(r.defaulted_loans)]);
  });

  it('restructure outcomes equal a reading of the raw rows per restructure and month after it', async () => {
    const db = wh.database;
    const asOf = periods['2024-06']!.monthEnd;
    const read = <T>(q: string) => queryRows<T>(wh, q, { as_of: asOf });
    const events = await read<{ loan_id: string; on: string }>(
      `SELECT loan_id, toString(event_date) AS on FROM ${db}.loan_events WHERE type = 'restructure' AND event_date <= {as_of:Date}`,
    );
    const months = await read<{ loan_id: string; me: string; balance: string; bucket: string; status: string }>(
      `SELECT loan_id, toString(month_end) AS me, toString(principal_balance) AS balance, toString(bucket) AS bucket, toString(status) AS status FROM ${db}.loan_month`,
    );
    const cash = await read<{ loan_id: string; d: string; amount: string }>(
      `SELECT loan_id, toString(paid_date) AS d, toString(amount) AS amount FROM ${db}.payments WHERE paid_date <= {as_of:Date}
       UNION ALL SELECT loan_id, toString(event_date), toString(amount) FROM ${db}.loan_events
       WHERE type IN ('recovery', 'collateral_sale', 'debt_sale', 'settlement') AND event_date <= {as_of:Date}`,
    );
    expect(events.length).toBeGreaterThan(0);
    const monthEnd = (d: string, add: number) => {
      const x = new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1 + add + 1, 0));
      return x.toISOString().slice(0, 10);
    };
    const byK = new Map<number, { events: number; balance: number; cash: number; cured: number }>();
    for (const e of events) {
      const reach = Math.min(
        36,
        (Number(asOf.slice(0, 4)) - Number(e.on.slice(0, 4))) * 12 +
          (Number(asOf.slice(5, 7)) - Number(e.on.slice(5, 7))) -
          (asOf.slice(8) === monthEnd(asOf, 0).slice(8) ? 0 : 1),
      );
      const rows = months.filter((m) => m.loan_id === e.loan_id);
      const before = rows.find((m) => m.me === monthEnd(e.on, -1));
      for (let k = 1; k <= reach; k++) {
        const me = monthEnd(e.on, k);
        const acc = byK.get(k) ?? { events: 0, balance: 0, cash: 0, cured: 0 };
        acc.events += 1;
        acc.balance += before ? cents(before.balance) : 0;
        acc.cash += cash
          .filter((x) => x.loan_id === e.loan_id && x.d.slice(0, 7) === me.slice(0, 7))
          .reduce((t, x) => t + cents(x.amount), 0);
        const at = rows.find((m) => m.me === me);
        const paidOff = rows.some((m) => m.status === 'paid_off' && m.me <= me);
        if ((at && ['C', 'PO'].includes(at.bucket)) || paidOff) acc.cured += 1;
        byK.set(k, acc);
      }
    }
    const got = await runMetric(wh, 'restructure_outcomes', { as_of: asOf, group_by: ['months_after'] });
    expect(
      got.rows.map((r) => [
        Number(r.months_after),
        Number(r.events),
        cents(String(r.balance)),
        cents(String(r.cash)),
        Number(r.cured),
      ]),
    ).toEqual([...byK].sort(([a], [b]) => a - b).map(([k, v]) => [k, v.events, v.balance, v.cash, v.cured]));
    // as of a month past the data (its last month-end is this one): no month after a restructure the data
    // has not reached, where no cash and no cure would drag the repaid share down
    expect(await lastSnapshotMonthEnd(wh)).toBe(asOf);
    const past = await runMetric(wh, 'restructure_outcomes', { as_of: '2024-09-30', group_by: ['months_after'] });
    expect(past.rows).toEqual(got.rows);
  });

  it('realised sales equal a reading of the raw rows per sale, for two as-of dates', async () => {
    const db = wh.database;
    const read = <T>(q: string) => queryRows<T>(wh, q);
    const sales = await read<{ event_id: string; loan_id: string; kind: string; on: string; amount: string }>(
      `SELECT event_id, loan_id, toString(type) AS kind, toString(event_date) AS on, toString(amount) AS amount
       FROM ${db}.loan_events WHERE type IN ('collateral_sale', 'debt_sale')`,
    );
    const months = await read<{ loan_id: string; me: string; dpd: number; balance: string; status: string }>(
      `SELECT loan_id, toString(month_end) AS me, dpd, toString(principal_balance) AS balance, toString(status) AS status FROM ${db}.loan_month
       WHERE loan_id IN (SELECT loan_id FROM ${db}.loan_events WHERE type IN ('collateral_sale', 'debt_sale')) ORDER BY loan_id, month_end`,
    );
    const cash = await read<{ loan_id: string; d: string; amount: string }>(
      `SELECT loan_id, toString(paid_date) AS d, toString(amount) AS amount FROM ${db}.payments
       UNION ALL SELECT loan_id, toString(event_date), toString(amount) FROM ${db}.loan_events
       WHERE type IN ('recovery', 'collateral_sale', 'debt_sale', 'settlement')`,
    );
    const collateral = new Map(
      (
        await read<{ loan_id: string; v: string }>(
          `SELECT loan_id, toString(ifNull(collateral_value, 0)) AS v FROM ${db}.loans`,
        )
      ).map((l) => [l.loan_id, cents(l.v)]),
    );
    expect(sales.filter((s) => s.kind === 'collateral_sale').length).toBeGreaterThan(0);
    expect(sales.filter((s) => s.kind === 'debt_sale').length).toBeGreaterThan(0);
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    const monthsBetween = (a: string, b: string) =>
      (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
    const want = (asOf: string) =>
      sales
        .filter((s) => s.on <= asOf)
        .map((s) => {
          const rows = months.filter((m) => m.loan_id === s.loan_id);
          const last = rows.filter((m) => m.me <= s.on).at(-1);
          // the default the sale ended: the first month-end past 90 DPD (or charged off) after the last current one before it
          const before = rows.filter((m) => m.me < s.on);
          const lastCurrent = before.reduce((at, m, i) => (m.dpd === 0 && m.status === 'active' ? i : at), -1);
          const firstDefault = before.find((m, i) => i > lastCurrent && (m.dpd > 90 || m.status === 'charged_off'));
          const defaulted = firstDefault !== undefined;
          const cashBetween = cash
            .filter((c) => c.loan_id === s.loan_id && firstDefault && c.d > firstDefault.me && c.d < s.on)
            .reduce((t, c) => t + cents(c.amount), 0);
          return [
            s.event_id,
            s.kind,
            cents(s.amount),
            collateral.get(s.loan_id) ?? 0,
            defaulted ? Math.max(0, cents(firstDefault.balance) - cashBetween) : last ? cents(last.balance) : 0,
            last ? last.dpd + days(last.me, s.on) : 0,
            defaulted ? monthsBetween(firstDefault.me, s.on) : 0,
          ];
        })
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    for (const asOf of [periods['2024-06']!.monthEnd, periods['2024-03']!.monthEnd]) {
      const got = await runMetric(wh, 'disposal_sales', { as_of: asOf, group_by: ['event_id', 'kind'] });
      expect(
        got.rows
          .map((r) => [
            String(r.event_id),
            String(r.kind),
            cents(r.proceeds),
            cents(r.collateral_value),
            cents(r.balance_at_sale),
            Number(r.dpd_at_sale),
            Number(r.months_after_default),
          ])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        asOf,
      ).toEqual(want(asOf));
    }
  });

  it('disposal candidates over N days past due are the candidates of active loans over N and every charged-off one', async () => {
    const asOf = periods['2024-06']!.monthEnd;
    const read = async (request: Record<string, unknown>) =>
      (
        await runMetric(wh, 'disposal_candidates', {
          as_of: asOf,
          group_by: ['loan_id', 'status'],
          ...request,
        })
      ).rows
        .map((r) => [String(r.loan_id), String(r.status), Number(r.dpd), cents(r.balance)] as const)
        .sort((a, b) => a[0].localeCompare(b[0]));
    const all = await read({});
    expect(all.filter((r) => r[1] === 'charged_off').length).toBeGreaterThan(0);
    for (const n of [0, 30, 90, 180]) {
      const over = await read({ dpd_over: n });
      expect(over, `dpd_over ${n}`).toEqual(all.filter((r) => r[1] === 'charged_off' || r[2] > n));
    }
    expect((await read({ dpd_over: 90 })).length).toBeLessThan(all.length);
    // a metric that cannot apply it refuses it by name, declared or derived alike
    await expect(runMetric(wh, 'overdue', { as_of: asOf, dpd_over: 90 })).rejects.toThrow(
      /overdue cannot be filtered by dpd_over/,
    );
    await expect(runMetric(wh, 'disposal_options', { as_of: asOf, dpd_over: 90 })).rejects.toThrow(
      /disposal_options cannot be filtered by dpd_over/,
    );
    await expect(runMetric(wh, 'ecl_walk', { as_of: asOf, cohort_from: '2022-01' })).rejects.toThrow(
      /ecl_walk cannot be filtered by cohort_from/,
    );
  });

  it('the five-category migration matrix: each row sums to its start class total (balance and count)', async () => {
    for (const p of Object.values(periods))
      for (const basis of ['balance', 'count'] as const) {
        const req = { from: p.from, to: p.monthEnd, as_of: p.monthEnd, basis };
        const matrix = await runMetric(wh, 'class_migration', req);
        const rates = await runMetric(wh, 'migration', req);
        expect(rates.rows.length).toBeGreaterThan(2);
        for (const r of rates.rows) {
          const row = matrix.rows.filter((m) => m.from_class === r.from_class);
          expect(
            row.reduce((s, m) => s + cents(m.start_balance), 0),
            `${String(r.from_class)} ${basis}`,
          ).toBe(cents(r.start_total));
          expect(row.reduce((s, m) => s + Number(m.start_balance_share), 0)).toBeCloseTo(1, 12);
        }
      }
  });
});

/** every colour scale a spec declares (domain → range), in order: what fixes a series' colour */
function colourScales(spec: unknown): unknown[] {
  const found: unknown[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const color = o.color as { scale?: { domain?: unknown; range?: unknown; scheme?: unknown } } | undefined;
      if (color?.scale) found.push([color.scale.domain, color.scale.range, color.scale.scheme]);
      Object.values(o).forEach(visit);
    }
  };
  visit(spec);
  return found;
}
