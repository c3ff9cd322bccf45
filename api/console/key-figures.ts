import type { Warehouse } from '../../warehouse/connection.ts';
import { comparisonMonths, comparisons, type SummaryData, type Values } from '../../reports/summary/compute.ts';
import { num, putOverdueFigures, putWriteOffs, summarySeries } from '../../reports/summary/summary-series.ts';
import { figureDefs } from '../../reports/summary/figures.ts';
import { summaryIn, type Summary } from '../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../reports/summary/thresholds.ts';
import { bookCurrencies } from '../../reports/summary/currency.ts';
import type { Lang } from '../../reports/i18n.ts';
import type { ReportPeriod } from '../../reports/template.ts';

/** The figures the dashboard shows: the management pack's key figures (its cover tiles), in the pack's order. */
export const dashboardFigures = figureDefs.filter((f) => f.key?.management === true);

/**
 * The dashboard's key figures without the rest of the pack's summary: the same catalogue metrics,
 * segment, comparison month-ends, thresholds, formats and statuses as `buildSummary(management)`
 * (summaryIn formats and judges them), but only the five metric runs the key figures need — not the
 * migration rates, recovery rates, warnings by rule and segment breakdowns the pack's summary page
 * adds (a dozen more runs: about 95 % of a first dashboard view went to the full summary). The
 * integration test checks every figure and its display against buildSummary's for several periods
 * and segments, so the two cannot drift apart unnoticed.
 */
export async function dashboardKeyFigures(wh: Warehouse, p: ReportPeriod, lang: Lang): Promise<Summary> {
  const thresholds = loadThresholds(defaultThresholdsFile);
  const months = comparisonMonths(p.monthEnd);
  const series = summarySeries(wh, p, Object.values(months));
  const { run, put, first, months: uniqueMonths } = series;
  const period = { from: first, to: p.monthEnd, as_of: p.monthEnd };
  await putOverdueFigures(series);

  const byClass = await run('overdue', { ...period, group_by: ['month_end', 'five_class'] }, ['special_mention_share']);
  for (const m of uniqueMonths) {
    const rows = byClass.filter((r) => r.month_end === m);
    if (rows.length === 0) continue;
    const total = rows.reduce((s, r) => s + Number(r.outstanding), 0);
    const bal = Number(rows.find((r) => r.five_class === 'special_mention')?.outstanding ?? 0);
    put('special_mention_share', m, total > 0 ? bal / total : null);
  }

  for (const r of await run('new_business', { ...period, group_by: ['month_end'] }, ['new_business']))
    put('new_business', String(r.month_end), num(r.new_business));

  const provisionIds = ['provision_coverage', 'provision_ratio'];
  for (const r of await run('provision_coverage', period, provisionIds))
    for (const id of provisionIds) put(id, String(r.month_end), num(r[id]));

  await putWriteOffs(series);

  const data: SummaryData = {
    pack: 'management',
    period: p,
    months,
    figures: dashboardFigures.map((def) => ({
      def,
      values: Object.fromEntries(comparisons.map((c) => [c, series.get(def.id, months[c])])) as Values,
      wholeBank: series.wholeBank(def.id),
    })),
    breakdowns: [],
    currencies: await bookCurrencies(wh),
  };
  return summaryIn(data, lang, thresholds, 'reports/summary/default-thresholds.json');
}
