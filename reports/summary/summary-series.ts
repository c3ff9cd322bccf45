import type { Warehouse } from '../../warehouse/connection.ts';
import type { MetricName } from '../../warehouse/metrics/index.ts';
import type { MetricRequestInput } from '../../warehouse/metrics/request.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { segmentFilters } from '../data/fetch.ts';
import type { ReportPeriod, Row } from '../template.ts';

/** money summed in floating point, back to cents */
export const cents = (x: number) => Math.round(x * 100) / 100;

export const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/** key figures read from `overdue` by month_end, and the column each is */
export const overdueFigureColumns = {
  outstanding: 'outstanding',
  npl_balance: 'npl',
  m1plus_ratio: 'overdue_ratio',
  par30: 'par30',
  par90: 'par90',
  npl_ratio: 'npl_ratio',
  deviation: 'deviation',
} as const;

/**
 * Where a summary collects its figures: each figure's value by month-end, and whether the metric
 * behind it was bank-wide (could not take the pack's segment). The pack's summary and the console's
 * key figures both fill one, so a figure is read the same way in both.
 */
export interface SummarySeries {
  /** the compared month-ends, ascending, and the first of them */
  months: string[];
  first: string;
  /** a metric for the period's segment (the filters it takes); remembers whether it took them all */
  run: (metric: MetricName, request: MetricRequestInput, ids: string[]) => Promise<Row[]>;
  /**
   * A metric by month-end from the first compared month-end to this one: the charts' 12-month window
   * read as the charts read it (`request` plus the period's from, to and as-of: in a pack, one query
   * serves both, request-memo.ts) and the month-ends before it (the same month last year) on their own.
   */
  runOverMonths: (metric: MetricName, request: MetricRequestInput, ids: string[]) => Promise<Row[]>;
  put: (id: string, month: string, v: number | null) => void;
  get: (id: string, month: string) => number | null;
  wholeBank: (id: string) => boolean;
  setWholeBank: (id: string, whole: boolean) => void;
}

export function summarySeries(wh: Warehouse, p: ReportPeriod, months: string[]): SummarySeries {
  const sorted = [...new Set(months)].sort();
  const whole = new Map<string, boolean>();
  const series = new Map<string, Map<string, number | null>>();
  const first = sorted[0] ?? p.monthEnd;
  const run: SummarySeries['run'] = async (metric, request, ids) => {
    const { filters, whole: applied } = segmentFilters({ metric, request }, p.segment);
    for (const id of ids) whole.set(id, !applied);
    return (await runMetric(wh, metric, { ...request, ...filters })).rows;
  };
  return {
    months: sorted,
    first,
    run,
    runOverMonths: async (metric, request, ids) => {
      const window = await run(metric, { ...request, from: p.from, to: p.monthEnd, as_of: p.monthEnd }, ids);
      if (first >= p.from) return window;
      const before = { ...request, from: first, to: addMonthEnds(p.from, -1), as_of: p.monthEnd };
      return [...(await run(metric, before, ids)), ...window];
    },
    put: (id, month, v) => {
      if (!series.has(id)) series.set(id, new Map());
      series.get(id)!.set(month, v);
    },
    get: (id, month) => series.get(id)?.get(month) ?? null,
    wholeBank: (id) => whole.get(id) ?? false,
    setWholeBank: (id, w) => void whole.set(id, w),
  };
}

/** The key figures `overdue` gives by month-end (outstanding, NPL, M1+, PAR30/90, deviation). */
export async function putOverdueFigures(s: SummarySeries): Promise<void> {
  // by month-end, the metric's default: the request the portfolio and NPL charts make
  for (const r of await s.runOverMonths('overdue', {}, Object.keys(overdueFigureColumns)))
    for (const [id, col] of Object.entries(overdueFigureColumns)) s.put(id, String(r.month_end), num(r[col]));
}

/**
 * Write-offs of each compared month: the balance written off in the month, whatever bucket it came
 * from (`roll_forward` by month-end and from-bucket: the write-offs chart's request).
 */
export async function putWriteOffs(s: SummarySeries): Promise<void> {
  const flows = await s.runOverMonths('roll_forward', { group_by: ['month_end', 'from_bucket'] }, ['write_offs']);
  for (const m of s.months) {
    const rows = flows.filter((r) => r.month_end === m);
    if (rows.length === 0) continue;
    s.put('write_offs', m, cents(rows.reduce((t, r) => t + Number(r.written_off), 0)));
  }
}
