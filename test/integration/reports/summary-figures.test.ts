import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { buildSummary, type Summary } from '../../../reports/summary/index.ts';
import type { ReportPeriod } from '../../../reports/template.ts';
import { numbersNotInSummary } from '../../helpers/summary-numbers.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

const period = (segment: ReportPeriod['segment'] = {}): ReportPeriod => ({
  period: '2024-06',
  monthEnd: '2024-06-30',
  from: '2023-07-31',
  segment,
});
const months = { value: '2024-06-30', previous_month: '2024-05-31' } as const;

describe('the key figures are the metrics layer’s', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const s: Record<string, Summary> = {};
  beforeAll(async () => {
    wh = await warehouseForReports('summary');
    for (const pack of ['management', 'regulatory'] as const)
      for (const lang of ['zh-CN', 'en'] as const)
        s[`${pack}-${lang}`] = await buildSummary(wh, { pack, period: period(), lang });
    s.east = await buildSummary(wh, { pack: 'management', period: period({ region: ['east'] }), lang: 'en' });
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
  });
  const fig = (key: string, id: string) => {
    const f = s[key]!.figures.find((x) => x.id === id);
    if (!f) throw new Error(`${key}: no figure ${id}`);
    return f;
  };

  /** expected value of each figure at a month-end, straight from runMetric */
  async function expected(m: string, filters: Record<string, string[]> = {}): Promise<Record<string, number | null>> {
    const prev = m === months.value ? months.previous_month : '2024-04-30';
    const [o] = (await runMetric(wh, 'overdue', { from: m, to: m, as_of: m, ...filters })).rows;
    const classes = (await runMetric(wh, 'overdue', { from: m, to: m, as_of: m, group_by: ['five_class'], ...filters }))
      .rows;
    const total = classes.reduce((a, r) => a + Number(r.outstanding), 0);
    const sm = Number(classes.find((r) => r.five_class === 'special_mention')?.outstanding ?? 0);
    const [nb] = (await runMetric(wh, 'new_business', { from: m, to: m, as_of: m, ...filters })).rows;
    const [pc] = (await runMetric(wh, 'provision_coverage', { from: m, to: m, as_of: m })).rows;
    const mig = (await runMetric(wh, 'migration', { from: m, to: m, as_of: m, ...filters })).rows;
    const [lgd] = (await runMetric(wh, 'lgd', { as_of: m, ...filters })).rows;
    const flows = (
      await runMetric(wh, 'roll_rate', { from: prev, to: m, as_of: m, group_by: ['from_month'], ...filters })
    ).rows;
    const wo = flows
      .filter((r) => r.from_month === prev && r.to_bucket === 'WO')
      .reduce((a, r) => a + Number(r.flow), 0);
    const rate = (c: string) => mig.find((r) => r.from_class === c)?.migration_rate ?? null;
    return {
      outstanding: Number(o!.outstanding),
      npl_balance: Number(o!.npl),
      m1plus_ratio: o!.overdue_ratio,
      par30: o!.par30,
      par90: o!.par90,
      npl_ratio: o!.npl_ratio,
      deviation: o!.deviation,
      special_mention_share: sm / total,
      new_business: Number(nb!.new_business),
      provision_coverage: pc?.provision_coverage ?? null,
      provision_ratio: pc?.provision_ratio ?? null,
      migration_normal: rate('normal'),
      migration_special_mention: rate('special_mention'),
      migration_substandard: rate('substandard'),
      migration_doubtful: rate('doubtful'),
      recovery_rate: lgd!.recovery_rate,
      write_offs: Math.round(wo * 100) / 100,
    };
  }

  for (const col of ['value', 'previous_month'] as const)
    it(`management pack, ${col} (${months[col]}): each figure equals its metric`, async () => {
      const want = await expected(months[col]);
      for (const [id, v] of Object.entries(want)) {
        const got = fig('management-en', id)[col];
        if (v === null) expect(got, id).toBeNull();
        else expect(got, id).toBeCloseTo(v, 10);
      }
      const change = fig('management-en', 'npl_ratio');
      expect(change.change_on_month).toBeCloseTo(change.value! - change.previous_month!, 15);
    });

  it('regulatory pack: the five-category table equals the metric by class, this month and last', async () => {
    for (const m of [months.value, months.previous_month]) {
      const col = m === months.value ? 'value' : 'previous_month';
      const rows = (await runMetric(wh, 'overdue', { from: m, to: m, as_of: m, group_by: ['five_class'] })).rows;
      const total = rows.reduce((a, r) => a + Number(r.outstanding), 0);
      for (const r of rows) {
        expect(fig('regulatory-zh-CN', `balance_${r.five_class}`)[col]).toBeCloseTo(Number(r.outstanding), 2);
        expect(fig('regulatory-zh-CN', `share_${r.five_class}`)[col]).toBeCloseTo(Number(r.outstanding) / total, 12);
      }
    }
    expect(fig('regulatory-zh-CN', 'npl_ratio').value).toBe(fig('management-en', 'npl_ratio').value);
  });

  it('the year start is the previous December; a comparison the data lacks is empty and said', () => {
    const m = s['management-en']!;
    expect(m.months).toEqual({
      value: '2024-06-30',
      previous_month: '2024-05-31',
      year_start: '2023-12-31',
      same_month_last_year: '2023-06-30',
    });
    // provisions were loaded from 2023-07 only
    expect(fig('management-en', 'provision_coverage').same_month_last_year).toBeNull();
    expect(m.notes.join(' ')).toMatch(/no data for that month-end/u);
  });

  it('a segment pack: the figures are the metrics filtered to the segment; bank-wide ones say so', async () => {
    const want = await expected(months.value, { region: ['east'] });
    for (const id of ['outstanding', 'npl_ratio', 'par90', 'migration_normal', 'write_offs', 'recovery_rate'])
      expect(fig('east', id).value, id).toBeCloseTo(want[id]!, 10);
    expect(fig('east', 'outstanding').value).toBeLessThan(fig('management-en', 'outstanding').value!);
    expect(fig('east', 'provision_coverage').whole_bank).toBe(true);
    expect(fig('east', 'npl_ratio').whole_bank).toBe(false);
    expect(s.east!.breakdowns.find((b) => b.dim === 'region')!.rows.map((r) => r.segment)).toEqual(['east']);
  });

  it('breakdowns: the segments add up to the book, and their contributions to its NPL-ratio change', () => {
    const m = s['management-en']!;
    for (const b of m.breakdowns) {
      expect(b.total.balance.value, b.dim).toBeCloseTo(fig('management-en', 'outstanding').value!, 2);
      expect(b.total.npl_ratio.value, b.dim).toBeCloseTo(fig('management-en', 'npl_ratio').value!, 12);
      expect(
        b.rows.reduce((a, r) => a + r.contribution!, 0),
        b.dim,
      ).toBeCloseTo(fig('management-en', 'npl_ratio').change_on_month!, 12);
    }
  });

  it('the commentary: 3–6 sentences per pack and language, every number from the summary', () => {
    for (const key of ['management-zh-CN', 'management-en', 'regulatory-zh-CN', 'regulatory-en', 'east']) {
      const summary = JSON.parse(JSON.stringify(s[key])) as Summary;
      expect(summary.commentary.length, key).toBeGreaterThanOrEqual(3);
      expect(summary.commentary.length, key).toBeLessThanOrEqual(6);
      expect(numbersNotInSummary(summary), key).toEqual([]);
    }
  });
});
