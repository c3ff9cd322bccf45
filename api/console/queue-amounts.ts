import type { Lang, Text } from '../../reports/i18n.ts';

/**
 * The queue's money, one unit per column. formatMoney (the packs' headline figures) changes unit
 * at 1万 / 1K, so one column read 13.3万 above 8,175.67 and a collector had to read each unit to
 * compare two rows. Every money column is in full yuan with thousands separators: balance and
 * expected loss to the yuan (they rank and compare cases; the cents are noise and width), the
 * amount to cure, the charges within it and the promises to the cent (the figures a collector
 * quotes to a borrower).
 */
export const wholeYuan = (x: number) => Math.round(x).toLocaleString('en', { maximumFractionDigits: 0 });

export const queueTexts = {
  units: {
    'zh-CN': '金额单位：元（不折算为万）；余额、预期损失取整到元，应还清欠款与承诺金额精确到分。',
    en: 'Amounts in full (not in K or M): balance and expected loss to the unit, amount to cure and promises to the cent.',
  },
  scroll: {
    'zh-CN': '表格共 11 列，屏幕较窄时可左右滑动表格查看其余各列 →',
    en: 'The table has 11 columns: on a narrow screen, swipe it sideways for the rest →',
  },
} as const satisfies Record<string, Text>;

export const queueText = (lang: Lang, id: keyof typeof queueTexts) => queueTexts[id][lang];
