import type { Lang } from './i18n.ts';

/**
 * The DPD settings a pack's figures were computed with, in words (SPEC §4: grace days and the
 * counting convention are named in every report that depends on them — every bucket, M1+, PAR, NPL
 * floor and roll rate does), from the label the snapshot stored on its rows (settingsLabel). A label
 * of another shape is shown as it is.
 */
export function dpdSettingsText(label: string, lang: Lang): string {
  const m = /grace=(\d+)d;dpd_from=(due_date|grace_end);buckets=([\d/]+)/u.exec(label);
  if (!m) return lang === 'zh-CN' ? `逾期口径：${label}。` : `DPD settings: ${label}.`;
  const [, grace, from, buckets] = m;
  if (lang === 'zh-CN')
    return `逾期天数自${from === 'grace_end' ? '宽限期结束' : '到期日'}起算，宽限期 ${grace} 天；逾期分档上限 ${buckets} 天。`;
  return `DPD counted from the ${from === 'grace_end' ? 'end of the grace period' : 'due date'}, ${grace} grace day${grace === '1' ? '' : 's'}; buckets up to ${buckets} days.`;
}
