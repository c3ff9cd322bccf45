import { defineChart, type ReportPeriod } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { pctAxis } from '../../spec.ts';

/** Vintage curves of one ever-X+ rate, quarterly cohorts of the last three years (a cohort stops at the MOB it has reached). */
const vintage = (x: 30 | 90) =>
  defineChart({
    id: `vintage-ever${x}`,
    pack: 'management',
    title: { 'zh-CN': `账龄分析：累计逾期 ${x} 天以上比率`, en: `Vintage: ever ${x}+ DPD by cohort` },
    note: {
      'zh-CN': `分母：该季度放款批次的放款本金；每条曲线只画到该批次已达到的账龄。`,
      en: `Denominator: original principal of the quarterly cohort; each curve stops at the months on book the cohort has reached.`,
    },
    data: (p: ReportPeriod) => ({
      metric: 'vintage',
      request: {
        cohort_grain: 'quarter',
        cohort_from: `${Number(p.period.slice(0, 4)) - 3}${p.period.slice(4)}`,
        as_of: p.monthEnd,
      },
    }),
    body: (_rows: unknown, lang: Lang) => ({
      transform: [{ calculate: "year(datum.cohort) + 'Q' + quarter(datum.cohort)", as: 'cohort_quarter' }],
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'mob', type: 'quantitative', title: labels.mob[lang] },
        y: { field: `ever${x}_rate`, type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
        color: { field: 'cohort_quarter', type: 'ordinal', title: labels.cohort[lang], scale: { scheme: 'viridis' } },
        tooltip: [
          { field: 'cohort_quarter', type: 'nominal' },
          { field: 'mob', type: 'quantitative' },
          { field: `ever${x}_rate`, type: 'quantitative', format: '.2%' },
        ],
      },
    }),
  });

export const vintageEver30 = vintage(30);
export const vintageEver90 = vintage(90);
