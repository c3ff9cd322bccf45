import { formatMoney, formatPct, type Lang } from '../i18n.ts';
import type { Unit } from './figures.ts';
import type { Limit } from './thresholds.ts';

/**
 * How the summary writes its numbers, the one place: the tables, the tiles and the commentary all
 * use these, so every number a sentence quotes is, character for character, one in summary.json.
 * Money: 万/亿 (zh-CN) or K/M/B (en); ratios: percent with 2 decimals (<0.01% for a value too small
 * for them, never 0.00% unless it is 0); a ratio's change: percentage
 * points; counts: whole numbers with thousands separators. Changes carry a sign (+ / -).
 */
export const none = '—';

export function formatValue(unit: Unit, lang: Lang, x: number | null): string {
  if (x === null) return none;
  switch (unit) {
    case 'money':
      return formatMoney(lang, x);
    case 'pct':
      // a share too small for two decimals is not nothing: a doubtful balance of 19.1K read 0.00%
      if (x !== 0 && Math.abs(x) < 0.00005) return `${x < 0 ? '>-' : '<'}0.01%`;
      return formatPct(x, 2);
    case 'count':
      return Math.round(x).toLocaleString('en');
    case 'number':
      return x.toFixed(2);
  }
}

const sign = (x: number) => (x > 0 ? '+' : x < 0 ? '-' : '');

export function formatChange(unit: Unit, lang: Lang, d: number | null): string {
  if (d === null) return none;
  switch (unit) {
    case 'money':
      return `${sign(d)}${formatMoney(lang, Math.abs(d))}`;
    case 'pct': {
      const pp = (100 * Math.abs(d)).toFixed(2);
      return `${pp === '0.00' ? '' : sign(d)}${pp}${lang === 'zh-CN' ? '个百分点' : ' pp'}`;
    }
    case 'count':
      return `${sign(d)}${Math.round(Math.abs(d)).toLocaleString('en')}`;
    case 'number':
      return `${sign(d)}${Math.abs(d).toFixed(2)}`;
  }
}

/** a relative change (0.034 → +3.4%) */
export function formatRelative(r: number | null): string {
  if (r === null) return none;
  const s = (100 * Math.abs(r)).toFixed(1);
  return `${s === '0.0' ? '' : sign(r)}${s}%`;
}

/** `≥ 150.00%（低于 170.00% 为黄色）` / `≥ 150.00% (amber below 170.00%)`; '' without a limit */
export function formatLimit(unit: Unit, lang: Lang, l: Limit | undefined): string {
  if (!l) return '';
  const v = (x: number) => formatValue(unit, lang, x);
  const floor = l.min !== undefined;
  const main = floor ? `≥ ${v(l.min!)}` : `≤ ${v(l.max!)}`;
  const who =
    l.source === 'regulatory' ? (lang === 'zh-CN' ? '监管' : 'regulatory') : lang === 'zh-CN' ? '行内' : 'bank';
  if (l.amber === undefined) return `${main} ${who}`;
  return lang === 'zh-CN'
    ? `${main} ${who}（${floor ? '低于' : '高于'} ${v(l.amber)} 黄色）`
    : `${main} ${who} (amber ${floor ? 'below' : 'above'} ${v(l.amber)})`;
}
