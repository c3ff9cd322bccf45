import { defineChart, type ReportPeriod, type Row } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { pctAxis, units } from '../../spec.ts';
import { monthEndOf } from '../../../lib/dates.ts';
import { lastWholeQuarter, leftOutText, monthIndex, ymOf } from './whole-quarters.ts';

/**
 * Quarterly default cohorts shown: the last quarter the period has completed and the seven before
 * it (2024-06 → 2022Q3 to 2024Q2, 2024-05 → 2022Q2 to 2024Q1). A May pack drew April and May's
 * defaults as "2024Q2", as the vintage charts drew their loans, unmarked (whole-quarters.ts).
 */
const quarters = 8;
/** the first default month of the oldest cohort and the last of the newest (YYYY-MM) */
const firstCohort = (p: ReportPeriod) => ymOf(lastWholeQuarter(p) - 3 * (quarters - 1));
const lastCohort = (p: ReportPeriod) => ymOf(lastWholeQuarter(p) + 2);
const palette = ['#1f5fa8', '#e4572e', '#29a36a', '#f2a541', '#7b4ea3', '#5bc0be', '#b5446e', '#5c2a3d'];

export default defineChart({
  id: 'recovery-curves',
  pack: 'management',
  title: { 'zh-CN': '违约后回收曲线（按违约季度）', en: 'Recovery curves after default (by default quarter)' },
  note: {
    'zh-CN':
      '各违约季度批次的累计回收率；分母：违约时本金余额（EAD）。每个批次只画到其最后一个违约月份已达到的违约后月数。',
    en: 'Cumulative recovery rate of each quarterly default cohort; denominator: principal balance at default (EAD). A cohort stops at the months its last default month has reached.',
  },
  unit: units.pct,
  // the cohorts drawn, when the rows are known: the book's first years have fewer than eight, and the
  // subtitle named defaults from before the data ("8 cohorts defaulted 2020-04 to 2022-03" over 2 curves)
  shows: (p: ReportPeriod, lang: Lang, rows?: Row[]) => {
    const drawn = rows && [...new Set(rows.map((r) => String(r.default_cohort).slice(0, 7)))].sort();
    if (drawn?.length === 0)
      return lang === 'zh-CN'
        ? `尚无完整季度的违约批次，回收截至 ${p.monthEnd}${leftOutText(p, lang)}`
        : `no whole quarter of defaults yet, cash up to ${p.monthEnd}${leftOutText(p, lang)}`;
    const [n, first, last] = drawn
      ? [drawn.length, drawn[0]!, ymOf(monthIndex(drawn.at(-1)!) + 2)]
      : [quarters, firstCohort(p), lastCohort(p)];
    return lang === 'zh-CN'
      ? `${first} 至 ${last} 违约的 ${n} 个季度批次，回收截至 ${p.monthEnd}${leftOutText(p, lang)}`
      : `${n} quarterly cohort${n === 1 ? '' : 's'} defaulted ${first} to ${last}, cash up to ${p.monthEnd}${leftOutText(p, lang)}`;
  },
  // the cohorts by default month-end; their cash still up to the period's month-end
  data: (p) => ({
    metric: 'recovery',
    request: {
      cohort_grain: 'quarter',
      from: monthEndOf(`${firstCohort(p)}-01`),
      to: monthEndOf(`${lastCohort(p)}-01`),
      as_of: p.monthEnd,
    },
  }),
  body: (rows, lang) => {
    const cohorts = [...new Set(rows.map((r) => String(r.default_cohort)))]
      .sort()
      .map((d) => `${d.slice(0, 4)}Q${Math.ceil(Number(d.slice(5, 7)) / 3)}`);
    return {
      transform: [
        { calculate: "year(datum.default_cohort) + 'Q' + quarter(datum.default_cohort)", as: 'default_quarter' },
      ],
      mark: { type: 'line', strokeWidth: 1.5, point: { size: 18 } },
      encoding: {
        x: { field: 'months_since_default', type: 'quantitative', title: labels.months_since_default[lang] },
        y: {
          field: 'recovery_rate',
          type: 'quantitative',
          title: { 'zh-CN': '累计回收率', en: 'Cumulative recovery rate' }[lang],
          axis: pctAxis,
        },
        color: {
          field: 'default_quarter',
          type: 'nominal',
          title: { 'zh-CN': '违约批次', en: 'Default cohort' }[lang],
          // by position in the window (oldest first), the same in either language
          sort: cohorts,
          scale: { domain: cohorts, range: palette.slice(0, cohorts.length) },
        },
        tooltip: [
          { field: 'default_quarter', type: 'nominal' },
          { field: 'months_since_default', type: 'quantitative' },
          { field: 'ead', type: 'quantitative', format: ',.2f' },
          { field: 'recovery_rate', type: 'quantitative', format: '.2%' },
        ],
      },
    };
  },
});
