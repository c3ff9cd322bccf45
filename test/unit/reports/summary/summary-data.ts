import { breakdownOf } from '../../../../reports/summary/breakdown.ts';
import { comparisonMonths, type SummaryData } from '../../../../reports/summary/compute.ts';
import { figureDefs, warningFigure } from '../../../../reports/summary/figures.ts';
import type { Pack } from '../../../../reports/template.ts';

/**
 * Made-up summary data with every kind of movement (the commentary and the summary's pages are a
 * function of it alone); the provisions are bank-wide, as in a segment pack.
 */
export function summaryData(pack: Pack): SummaryData {
  const months = comparisonMonths('2024-06-30');
  const base: Record<string, number> = {
    outstanding: 4_915_337_669.61,
    new_business: 258_621_600,
    npl_balance: 49_628_249.45,
    npl_ratio: 0.0101,
    m1plus_ratio: 0.0283,
    par30: 0.0163,
    par90: 0.0079,
    deviation: 0.786,
    provision: 55_001_598.84,
    provision_coverage: 1.108,
    provision_ratio: 0.0112,
    special_mention_share: 0.0269,
    write_offs: 5_550_166.22,
    warnings_total: 2270,
    warnings_high_score: 1052,
  };
  const defs = [
    ...figureDefs.filter((f) => f.packs.includes(pack)),
    ...(pack === 'management' ? [warningFigure('high_score')] : []),
  ];
  const figures = defs.map((def, i) => {
    const v = base[def.id] ?? 0.01 * (i + 1);
    return {
      def,
      values: {
        value: v,
        previous_month: v * (1 - 0.03 * ((i % 5) - 2)),
        year_start: v * 0.9,
        same_month_last_year: null,
      },
      wholeBank: def.section === 'provisions',
    };
  });
  const rows = [
    ['2024-05-31', 'mortgage', 3_039_471_926.05, 44_994_173.77, 10_825_403.56],
    ['2024-05-31', 'consumer', 138_871_243.65, 20_262_083.36, 5_651_875.51],
    ['2024-06-30', 'mortgage', 3_143_237_749.79, 45_904_041.61, 9_187_177.54],
    ['2024-06-30', 'consumer', 140_560_346.09, 20_296_457.1, 5_343_674.59],
  ].map(([month_end, seg, outstanding, m1plus, npl]) => ({
    month_end: month_end as string,
    product: seg as string,
    region: seg === 'mortgage' ? 'east' : 'north',
    branch: `${seg === 'mortgage' ? 'east' : 'north'}-01`,
    outstanding: String(outstanding),
    m1plus: String(m1plus),
    npl: String(npl),
  }));
  return {
    pack,
    period: { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} },
    months,
    figures,
    breakdowns: (['product', 'region', 'branch'] as const).map((d) =>
      breakdownOf(d, rows, months.value, months.previous_month),
    ),
  };
}
