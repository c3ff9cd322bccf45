import type { Lang } from '../i18n.ts';

type Words = Record<Lang, string>;

/** a clause of the method note and the figures it explains: said only when the pack shows one of them */
const clauses: { when: (id: string) => boolean; words: Words }[] = [
  {
    when: (id) => id.startsWith('migration_'),
    words: {
      'zh-CN': '迁徙率为当月（上月末至本月末）口径',
      en: 'migration rates are over the month (last month-end to this one)',
    },
  },
  {
    when: (id) => id === 'new_business' || id === 'write_offs' || id.startsWith('warnings_'),
    words: {
      'zh-CN': '新增放款、核销与预警为当月发生额，不与年初比较',
      en: "new business, write-offs and warnings are the month's flows, not compared with the year start",
    },
  },
  {
    when: (id) => id === 'write_offs',
    words: {
      'zh-CN': '核销为当月转入核销的贷款在上月末的余额',
      en: 'write-offs are last month-end balances of loans written off in the month',
    },
  },
  {
    when: (id) => id === 'recovery_rate',
    words: {
      'zh-CN': '回收率为截至月末已结案处置的现金回收 / 违约时余额',
      en: 'recovery rate = cash after default / EAD of workouts closed by the month-end',
    },
  },
];

/**
 * The note on how the pack's figures are measured: the year start always, then only the clauses of
 * figures the pack shows — the regulatory pack defined write-offs and the recovery rate, which it
 * does not show (review 2026-12-06).
 */
export function methodNote(figureIds: readonly string[], yearStart: string, lang: Lang): string {
  const said = clauses.filter((c) => figureIds.some(c.when)).map((c) => c.words[lang]);
  const start =
    lang === 'zh-CN'
      ? `年初 = 上年 12 月末（${yearStart}）`
      : `Year start = the previous December month-end (${yearStart})`;
  return lang === 'zh-CN' ? `${[start, ...said].join('；')}。` : `${[start, ...said].join('; ')}.`;
}
