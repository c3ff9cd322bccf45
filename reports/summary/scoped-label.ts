import type { Lang } from '../i18n.ts';

/**
 * A figure's label with "whole bank" when the pack's segment could not be applied to it (the
 * provisions ledger is bank-wide): a reader of a region's pack must not take the bank's coverage
 * for the region's, on a tile, in a table or in a sentence. Brackets of the language: full-width in
 * Chinese, ASCII in English.
 */
export function scopedLabel(f: { label: string; whole_bank: boolean }, lang: Lang): string {
  if (!f.whole_bank) return f.label;
  return lang === 'zh-CN' ? `${f.label}（全行口径）` : `${f.label} (whole bank)`;
}
