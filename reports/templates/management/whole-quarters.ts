import type { Lang } from '../../i18n.ts';

/**
 * Quarterly cohorts in a monthly pack. A pack for a month inside a quarter drew that quarter's
 * months so far under the quarter's name (a May pack's "2024Q2" held April and May, two-thirds of
 * what the June pack draws under the same name), unmarked: the quarterly charts end with the last
 * quarter the period has completed, so a cohort is the same loans in every month's pack, and say
 * which quarter they left out.
 */

/** months counted from year 0 (January = 0), so a quarter-end month is 2 mod 3 */
export const monthIndex = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
export const ymOf = (i: number) => `${String(Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')}`;
/** 2021-07(-01) → 2021Q3 (the same text the charts compute with quarter()) */
export const quarterOf = (d: string) => `${d.slice(0, 4)}Q${String(Math.ceil(Number(d.slice(5, 7)) / 3))}`;

/** The first month (monthIndex) of the last quarter the period has completed: 2024-06 → 2024-04, 2024-05 → 2024-01. */
export const lastWholeQuarter = (p: { period: string }) => {
  const m = monthIndex(p.period);
  // the period's own quarter when it ends it, else the one before
  return m % 3 === 2 ? m - 2 : m - (m % 3) - 3;
};

/** the period's own quarter when it is not over yet (2024-05 → 2024Q2), else undefined */
const unfinishedQuarter = (p: { period: string }) =>
  monthIndex(p.period) % 3 === 2 ? undefined : quarterOf(ymOf(lastWholeQuarter(p) + 3));

/** the subtitle's note on the quarter left out, the same in every quarterly chart; '' at a quarter-end */
export const leftOutText = (p: { period: string }, lang: Lang) => {
  const open = unfinishedQuarter(p);
  if (!open) return '';
  return lang === 'zh-CN' ? `（${open} 未满一季，不列入）` : ` (${open} not yet whole, left out)`;
};
