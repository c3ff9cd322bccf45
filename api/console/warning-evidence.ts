import type { Text } from '../../reports/i18n.ts';
import { featureLabel } from '../../warehouse/feature-labels.ts';
import { formatPct } from '../../reports/i18n.ts';
import { amount, label, type Lang } from './i18n.ts';

/**
 * A warning's evidence (pipelines/warnings/rule-sql.ts: a JSON object per fired rule) as labelled
 * values for a person: the loan page showed the JSON itself ("probability":0.6733396158257948).
 * The default rules' fields by name; a bank's own rule's fields under their own names.
 */
const fieldLabels: Record<string, Text> = {
  month_end: { 'zh-CN': '月末', en: 'Month-end' },
  months: { 'zh-CN': '连续逾期月数', en: 'Months overdue running' },
  dpd: { 'zh-CN': '逾期天数', en: 'Days past due' },
  bucket: { 'zh-CN': '逾期档', en: 'Bucket' },
  overdue_principal: { 'zh-CN': '逾期本金', en: 'Overdue principal' },
  overdue_interest: { 'zh-CN': '逾期利息', en: 'Overdue interest' },
  model: { 'zh-CN': '模型', en: 'Model' },
  // the model's probability of its own target (the score section names it: DPD > 30 within 3 months),
  // not of default: a loan long past 30 DPD read it beside a case probability that disagreed
  probability: { 'zh-CN': '模型预测概率', en: 'Model probability' },
  grade: { 'zh-CN': '等级', en: 'Grade' },
  reasons: { 'zh-CN': '原因代码', en: 'Reason codes' },
  previous_month_end: { 'zh-CN': '上一月末', en: 'Previous month-end' },
  previous_probability: { 'zh-CN': '上月模型预测概率', en: 'Previous model probability' },
  broken: { 'zh-CN': '违约承诺数', en: 'Promises broken' },
  action_id: { 'zh-CN': '记录编号', en: 'Record id' },
  promised_date: { 'zh-CN': '承诺日期', en: 'Promised date' },
  promised_amount: { 'zh-CN': '承诺金额', en: 'Promised amount' },
  paid: { 'zh-CN': '已还金额', en: 'Paid' },
};
const percents = new Set(['probability', 'previous_probability']);
const amounts = new Set(['overdue_principal', 'overdue_interest', 'promised_amount', 'paid']);

const valueText = (key: string, v: unknown, lang: Lang): string => {
  if (v === null || v === undefined || v === '') return '—';
  if (percents.has(key) && typeof v === 'number') return formatPct(v, 2);
  if (amounts.has(key) && Number.isFinite(Number(v))) return amount(Number(v));
  if (Array.isArray(v))
    return v.length
      ? v
          .map((x) => (typeof x !== 'string' ? JSON.stringify(x) : key === 'reasons' ? featureLabel(x, lang) : x))
          .join(', ')
      : '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** The evidence's fields as [label, value] in the page's language; text that is not a JSON object stays as it is. */
export function evidenceFields(evidence: string, lang: Lang): [string, string][] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(evidence);
  } catch {
    return evidence;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return evidence;
  return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [
    label(fieldLabels, k, lang),
    valueText(k, v, lang),
  ]);
}
