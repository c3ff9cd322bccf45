import type { Warehouse } from '../../warehouse/connection.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import type { Pack, ReportPeriod } from '../template.ts';
import { breakdownDims, breakdownOf, type BreakdownData } from './breakdown.ts';
import {
  figureDefs,
  fiveClassIds,
  migrationClasses,
  topWarningRules,
  warningFigure,
  type FigureDef,
} from './figures.ts';
import { num, putOverdueFigures, putWriteOffs, summarySeries } from './summary-series.ts';
import { bookCurrencies } from './currency.ts';

export { cents } from './summary-series.ts';

/**
 * The numbers of a pack's summary, before any language: every figure at the four month-ends it is
 * compared at, each read from a catalogue metric through runMetric (the same compiler as the CLI,
 * the API and the charts) for the pack's segment. Where each figure comes from:
 *
 * | figure | metric and column |
 * |---|---|
 * | outstanding, npl_balance, m1plus_ratio, par30, par90, npl_ratio, deviation | `overdue` by month_end: outstanding, npl, overdue_ratio, par30, par90, npl_ratio, deviation |
 * | balance_<class>, share_<class>, special_mention_share | `five_category` by month_end × five_class: outstanding, over the month's total |
 * | new_business | `new_business` by month_end |
 * | provision, provision_coverage, provision_ratio | `provision_coverage` by month_end (bank-wide) |
 * | migration_<class> | `migration` over the month (from the previous month-end to the month-end), as of the month-end |
 * | recovery_rate | `lgd` as of the month-end: recovery rate of closed workouts |
 * | write_offs | `roll_forward` by month_end: balance written off in the month, from every bucket |
 * | warnings_total, warnings_<rule> | `warnings_summary` by month_end × rule_id (top rules of the month); 0 where `warning_days` has the month-end (the rules ran and fired none), no value where it has not |
 */
export const comparisons = ['value', 'previous_month', 'year_start', 'same_month_last_year'] as const;
export type Comparison = (typeof comparisons)[number];
export type Values = Record<Comparison, number | null>;

export interface FigureData {
  def: FigureDef;
  values: Values;
  /** the metric is bank-wide: the pack's segment could not be applied to it */
  wholeBank: boolean;
}

export interface SummaryData {
  pack: Pack;
  period: ReportPeriod;
  /** the month-end of each comparison */
  months: Record<Comparison, string>;
  figures: FigureData[];
  breakdowns: BreakdownData[];
  /** the currencies of the book's loans (currency.ts); absent: the default, CNY */
  currencies?: string[];
}

/** this month-end, the one before, the previous December's (the year start) and the same month a year before */
export function comparisonMonths(monthEnd: string): Record<Comparison, string> {
  return {
    value: monthEnd,
    previous_month: addMonthEnds(monthEnd, -1),
    year_start: `${Number(monthEnd.slice(0, 4)) - 1}-12-31`,
    same_month_last_year: addMonthEnds(monthEnd, -12),
  };
}

export async function computeSummary(wh: Warehouse, pack: Pack, p: ReportPeriod): Promise<SummaryData> {
  const months = comparisonMonths(p.monthEnd);
  const series = summarySeries(wh, p, Object.values(months));
  const { run, put, first, months: uniqueMonths } = series;
  const period = { from: first, to: p.monthEnd, as_of: p.monthEnd };

  const fiveClasses = async () => {
    const classIds = [...fiveClassIds.flatMap((c) => [`balance_${c}`, `share_${c}`]), 'special_mention_share'];
    // the five-category chart's request
    const byClass = await series.runOverMonths('five_category', { group_by: ['month_end', 'five_class'] }, classIds);
    for (const m of uniqueMonths) {
      const rows = byClass.filter((r) => r.month_end === m);
      if (rows.length === 0) continue;
      const total = rows.reduce((s, r) => s + Number(r.outstanding), 0);
      for (const c of fiveClassIds) {
        const bal = Number(rows.find((r) => r.five_class === c)?.outstanding ?? 0);
        put(`balance_${c}`, m, bal);
        put(`share_${c}`, m, total > 0 ? bal / total : null);
        if (c === 'special_mention') put('special_mention_share', m, total > 0 ? bal / total : null);
      }
    }
  };
  const newBusiness = async () => {
    for (const r of await series.runOverMonths('new_business', {}, ['new_business']))
      put('new_business', String(r.month_end), num(r.new_business));
  };
  const provisions = async () => {
    const provisionIds = ['provision', 'provision_coverage', 'provision_ratio'];
    for (const r of await series.runOverMonths('provision_coverage', {}, provisionIds))
      for (const id of provisionIds) put(id, String(r.month_end), num(r[id]));
  };
  // the month's migration: from the month-end before `from` (the previous one) to `to` (warehouse/metrics/window.ts)
  const migrationOf = async (m: string) => {
    const rows = await run(
      'migration',
      { from: m, to: m, as_of: m },
      migrationClasses.map((c) => `migration_${c}`),
    );
    if (rows.length === 0) return;
    for (const c of migrationClasses)
      put(`migration_${c}`, m, num(rows.find((r) => r.from_class === c)?.migration_rate ?? null));
  };
  const recoveryOf = async (m: string) => {
    const [r] = await run('lgd', { as_of: m }, ['recovery_rate']);
    if (r) put('recovery_rate', m, num(r.recovery_rate));
  };
  const warningRules: string[] = [];
  const warnings = async () => {
    // what fired says nothing of a month-end without warnings: the days the rules ran tell a quiet
    // month-end (0) from one never computed (no value); bank-wide, as running the rules is
    const [fired, ran] = await Promise.all([
      run('warnings_summary', { ...period, group_by: ['month_end', 'rule_id'] }, ['warnings_total']),
      // the days the rules ran take no segment: no figure of its own to mark bank-wide
      run('warning_days', { ...period, group_by: ['month_end'] }, []),
    ]);
    const computed = new Set(ran.map((r) => String(r.month_end)));
    for (const m of uniqueMonths) {
      // a month-end whose latest run has not finished has no value, whatever part of it is stored
      const rows = fired.filter((r) => r.month_end === m);
      if (computed.has(m))
        put(
          'warnings_total',
          m,
          rows.reduce((s, r) => s + Number(r.warnings), 0),
        );
    }
    const now = fired
      .filter((r) => r.month_end === p.monthEnd)
      .sort((a, b) => Number(b.warnings) - Number(a.warnings) || String(a.rule_id).localeCompare(String(b.rule_id)))
      .slice(0, topWarningRules);
    for (const top of now) {
      const rule = String(top.rule_id);
      warningRules.push(rule);
      series.setWholeBank(`warnings_${rule}`, series.wholeBank('warnings_total'));
      for (const m of uniqueMonths) {
        const rows = fired.filter((r) => r.month_end === m);
        if (computed.has(m))
          put(
            `warnings_${rule}`,
            m,
            rows.filter((r) => r.rule_id === rule).reduce((s, r) => s + Number(r.warnings), 0),
          );
      }
    }
  };
  const breakdownOfDim = async (dim: (typeof breakdownDims)[number]) =>
    breakdownOf(
      dim,
      await run(
        'overdue',
        { from: months.previous_month, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', dim] },
        [],
      ),
      months.value,
      months.previous_month,
    );

  // every read asked at once: in a pack the charts' reads queue beside them, and a summary read one
  // by one came last, its PDF pages (which open the document) with it
  const [breakdowns] = await Promise.all([
    Promise.all(breakdownDims.map(breakdownOfDim)),
    putOverdueFigures(series),
    fiveClasses(),
    provisions(),
    ...uniqueMonths.map(migrationOf),
    ...(pack === 'management'
      ? [newBusiness(), ...uniqueMonths.map(recoveryOf), putWriteOffs(series), warnings()]
      : []),
  ]);

  const defs = [...figureDefs.filter((f) => f.packs.includes(pack)), ...warningRules.map(warningFigure)];
  const figures = defs.map((def) => ({
    def,
    values: Object.fromEntries(comparisons.map((c) => [c, series.get(def.id, months[c])])) as Values,
    wholeBank: series.wholeBank(def.id),
  }));

  return { pack, period: p, months, figures, breakdowns, currencies: await bookCurrencies(wh) };
}
