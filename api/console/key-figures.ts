import type { Warehouse } from '../../warehouse/connection.ts';
import type { MetricName } from '../../warehouse/metrics/index.ts';
import type { MetricRequestInput } from '../../warehouse/metrics/request.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { segmentFilters } from '../../reports/data/fetch.ts';
import { cents, comparisonMonths, comparisons, type SummaryData, type Values } from '../../reports/summary/compute.ts';
import { figureDefs } from '../../reports/summary/figures.ts';
import { summaryIn, type Summary } from '../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../reports/summary/thresholds.ts';
import type { Lang } from '../../reports/i18n.ts';
import type { ReportPeriod, Row } from '../../reports/template.ts';

/** The figures the dashboard shows: the management pack's key figures (its cover tiles), in the pack's order. */
export const dashboardFigures = figureDefs.filter((f) => f.key?.management === true);

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/** `overdue` columns behind key figures (the pack's summary reads the same: reports/summary/compute.ts) */
const overdueColumns: Record<string, string> = {
  outstanding: 'outstanding',
  npl_balance: 'npl',
  m1plus_ratio: 'overdue_ratio',
  par30: 'par30',
  par90: 'par90',
  npl_ratio: 'npl_ratio',
  deviation: 'deviation',
};

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
  const uniqueMonths = [...new Set(Object.values(months))].sort();
  const first = uniqueMonths[0]!;
  const whole = new Map<string, boolean>();
  const series = new Map<string, Map<string, number | null>>();
  const put = (id: string, month: string, v: number | null) => {
    if (!series.has(id)) series.set(id, new Map());
    series.get(id)!.set(month, v);
  };
  const run = async (metric: MetricName, request: MetricRequestInput, ids: string[]): Promise<Row[]> => {
    const { filters, whole: applied } = segmentFilters({ metric, request }, p.segment);
    for (const id of ids) whole.set(id, !applied);
    return (await runMetric(wh, metric, { ...request, ...filters })).rows;
  };
  const period = { from: first, to: p.monthEnd, as_of: p.monthEnd };

  for (const r of await run('overdue', { ...period, group_by: ['month_end'] }, Object.keys(overdueColumns)))
    for (const [id, col] of Object.entries(overdueColumns)) put(id, String(r.month_end), num(r[col]));

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

  const flows = await run(
    'roll_rate',
    { from: addMonthEnds(first, -1), to: p.monthEnd, as_of: p.monthEnd, group_by: ['from_month'] },
    ['write_offs'],
  );
  for (const m of uniqueMonths) {
    const rows = flows.filter((r) => r.from_month === addMonthEnds(m, -1));
    if (rows.length === 0) continue;
    put('write_offs', m, cents(rows.filter((r) => r.to_bucket === 'WO').reduce((s, r) => s + Number(r.flow), 0)));
  }

  const data: SummaryData = {
    pack: 'management',
    period: p,
    months,
    figures: dashboardFigures.map((def) => ({
      def,
      values: Object.fromEntries(comparisons.map((c) => [c, series.get(def.id)?.get(months[c]) ?? null])) as Values,
      wholeBank: whole.get(def.id) ?? false,
    })),
    breakdowns: [],
  };
  return summaryIn(data, lang, thresholds, 'reports/summary/default-thresholds.json');
}
