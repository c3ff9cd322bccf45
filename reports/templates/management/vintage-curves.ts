import { defineChart, type ReportPeriod, type Row } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { pctAxis, units } from '../../spec.ts';
import { contextGrey, height, recentColours, width } from '../../theme.ts';
import { lastWholeQuarter, leftOutText, quarterOf, ymOf } from './whole-quarters.ts';

/** how many of the newest cohorts get their own colour and an end label; older ones are grey context */
const highlighted = 4;
/** 12 whole quarters, ending with the last one the period completes (2024-06 → 2021Q3 to 2024Q2) */
export const cohortFrom = (p: { period: string }) => ymOf(lastWholeQuarter(p) - 33);
/** the last month of the newest cohort: the metric takes a quarter's last month as cohort_to */
export const cohortTo = (p: { period: string }) => ymOf(lastWholeQuarter(p) + 2);
const older = { 'zh-CN': '更早批次', en: 'Older cohorts' };

/** an end label's box near enough, in px: "2024Q2" at 10 px is about 36 wide (and 4 from its line's end), 12 high */
const labelBox = { w: 44, h: 12 };

/**
 * How far up (px, ≤ 0) to lift each newest cohort's end label so no two print over each other: the
 * newest cohorts end near the origin, at a few months on book and a rate near 0, and their names
 * (2024Q2, 2024Q1) overprinted there. Ends are placed on the chart's own size (scales from 0 to the
 * data's maximum, near enough to Vega's); a label that would touch one placed before goes up a line.
 */
export function endLabelLifts(
  ends: { cohort: string; mob: number; rate: number }[],
  size: { width: number; height: number },
  /** the largest months on book and rate of the whole chart (older cohorts reach further) */
  extent: { mob: number; rate: number } = { mob: 0, rate: 0 },
): Record<string, number> {
  const maxMob = Math.max(1, extent.mob, ...ends.map((e) => e.mob));
  const maxRate = Math.max(1e-9, extent.rate, ...ends.map((e) => e.rate));
  const placed: { x: number; y: number }[] = [];
  const lifts: Record<string, number> = {};
  // lowest first, so a label is lifted off the ones beneath it
  const byHeight = [...ends].sort((a, b) => a.rate - b.rate || a.mob - b.mob);
  for (const e of byHeight) {
    const x = (e.mob / maxMob) * size.width;
    let y = size.height - (e.rate / maxRate) * size.height;
    const start = y;
    while (placed.some((q) => Math.abs(q.x - x) < labelBox.w && Math.abs(q.y - y) < labelBox.h)) y -= labelBox.h;
    placed.push({ x, y });
    lifts[e.cohort] = y - start;
  }
  return lifts;
}

/**
 * Vintage curves of one ever-X+ rate, quarterly cohorts of the last three years (a cohort stops at
 * the MOB it has reached): the newest cohorts in distinct colours with their name at the line's
 * end, the others grey.
 */
const vintage = (x: 30 | 90) =>
  defineChart({
    id: `vintage-ever${x}`,
    pack: 'management',
    title: { 'zh-CN': `账龄分析：累计逾期 ${x} 天以上比率`, en: `Vintage: ever ${x}+ DPD by cohort` },
    note: {
      'zh-CN': `分母：该季度放款批次的放款本金；每条曲线只画到该批次已达到的账龄。最近 ${highlighted} 个批次着色并在线尾标注，更早批次为灰色。`,
      en: `Denominator: original principal of the quarterly cohort; each curve stops at the months on book the cohort has reached. The ${highlighted} newest cohorts in colour, labelled at their line's end; older cohorts grey.`,
    },
    unit: units.pct,
    shows: (p: ReportPeriod, lang: Lang, rows?: Row[]) => {
      // the cohorts drawn: none before the data's first (a May pack claimed 2021Q2 of a book from 2021-07)
      const drawn = [...new Set((rows ?? []).map((r) => quarterOf(String(r.cohort))))].sort();
      // no cohort drawn: none is named (the period's twelve quarters were, all before the data)
      if (rows && drawn.length === 0)
        return lang === 'zh-CN'
          ? `尚无完整季度的放款批次，账龄截至 ${p.monthEnd}${leftOutText(p, lang)}`
          : `no whole quarterly cohort yet, months on book to ${p.monthEnd}${leftOutText(p, lang)}`;
      const [first, last] = drawn.length
        ? [drawn[0]!, drawn.at(-1)!]
        : [quarterOf(cohortFrom(p)), quarterOf(cohortTo(p))];
      // one line over the chart: a longer one widened the image past the plot
      return lang === 'zh-CN'
        ? `${first} 至 ${last} 季度放款批次，账龄截至 ${p.monthEnd}${leftOutText(p, lang)}`
        : `quarterly cohorts ${first} to ${last}, months on book to ${p.monthEnd}${leftOutText(p, lang)}`;
    },
    data: (p: ReportPeriod) => ({
      metric: 'vintage',
      request: { cohort_grain: 'quarter', cohort_from: cohortFrom(p), cohort_to: cohortTo(p), as_of: p.monthEnd },
    }),
    body: (rows: Row[], lang: Lang) => {
      const quarters = [...new Set(rows.map((r) => quarterOf(String(r.cohort))))].sort();
      const recent = quarters.slice(-highlighted).reverse();
      // codes, not labels, in the colour domain: the same colours in either language
      const domain = [...recent, 'older'];
      const rate = `ever${x}_rate`;
      const ends = recent.flatMap((q) => {
        const own = rows.filter((r) => quarterOf(String(r.cohort)) === q);
        const last = own.reduce<Row | undefined>((a, r) => (a && Number(a.mob) >= Number(r.mob) ? a : r), undefined);
        return last ? [{ cohort: q, mob: Number(last.mob), rate: Number(last[rate]) || 0 }] : [];
      });
      const maxMob = Math.max(0, ...rows.map((r) => Number(r.mob) || 0));
      const maxRate = Math.max(0, ...rows.map((r) => Number(r[rate]) || 0));
      const lifts = endLabelLifts(ends, { width, height }, { mob: maxMob, rate: maxRate });
      return {
        transform: [
          { calculate: "year(datum.cohort) + 'Q' + quarter(datum.cohort)", as: 'cohort_quarter' },
          {
            calculate: `indexof(${JSON.stringify(recent)}, datum.cohort_quarter) >= 0 ? datum.cohort_quarter : 'older'`,
            as: 'cohort_group',
          },
        ],
        encoding: {
          x: { field: 'mob', type: 'quantitative', title: labels.mob[lang] },
          y: { field: `ever${x}_rate`, type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
        },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              color: {
                field: 'cohort_group',
                type: 'nominal',
                title: labels.cohort[lang],
                sort: domain,
                scale: { domain, range: [...recentColours.slice(0, recent.length), contextGrey] },
                legend: { labelExpr: `datum.value === 'older' ? ${JSON.stringify(older[lang])} : datum.value` },
              },
              detail: { field: 'cohort_quarter', type: 'nominal' },
              order: { field: 'mob', type: 'quantitative' },
              tooltip: [
                { field: 'cohort_quarter', type: 'nominal' },
                { field: 'mob', type: 'quantitative' },
                { field: `ever${x}_rate`, type: 'quantitative', format: '.2%' },
              ],
            },
          },
          // the newest cohorts' names at the end of their lines, a layer each (always `highlighted`
          // layers, one empty when there are fewer cohorts): each lifted by its own dy where it would overprint
          ...Array.from({ length: highlighted }, (_, k) => recent[k]).map((q) => ({
            transform: [
              { joinaggregate: [{ op: 'max', field: 'mob', as: 'last_mob' }], groupby: ['cohort_quarter'] },
              {
                filter:
                  q === undefined
                    ? 'false'
                    : `datum.mob === datum.last_mob && datum.cohort_quarter === ${JSON.stringify(q)}`,
              },
            ],
            // above the line's end: at a rate of 0 a centred name sat on the x axis
            mark: {
              type: 'text',
              align: 'left',
              baseline: 'bottom',
              dx: 4,
              dy: (q === undefined ? 0 : (lifts[q] ?? 0)) - 2,
              fontSize: 10,
            },
            encoding: {
              text: { field: 'cohort_quarter', type: 'nominal' },
              color: { field: 'cohort_group', type: 'nominal' },
            },
          })),
        ],
      };
    },
  });

export const vintageEver30 = vintage(30);
export const vintageEver90 = vintage(90);
