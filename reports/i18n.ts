/**
 * Languages of the reports: labels, and number formats a reader of that language expects —
 * money in 万 / 亿 for Chinese, thousands / millions / billions for English.
 */
export const languages = ['zh-CN', 'en'] as const;
export type Lang = (typeof languages)[number];
export type Text = Record<Lang, string>;

/** Labels shared by several charts (a chart's own title lives with its template). */
export const labels = {
  month_end: { 'zh-CN': '月末', en: 'Month-end' },
  balance: { 'zh-CN': '余额', en: 'Balance' },
  share: { 'zh-CN': '占比', en: 'Share' },
  rate: { 'zh-CN': '比率', en: 'Rate' },
  measure: { 'zh-CN': '指标', en: 'Measure' },
  cohort: { 'zh-CN': '放款批次', en: 'Cohort' },
  mob: { 'zh-CN': '账龄（月）', en: 'Months on book' },
  from_bucket: { 'zh-CN': '起始逾期段', en: 'From bucket' },
  to_bucket: { 'zh-CN': '下月逾期段', en: 'To bucket' },
  months_since_default: { 'zh-CN': '违约后月数', en: 'Months since default' },
  channel: { 'zh-CN': '催收渠道', en: 'Channel' },
  team: { 'zh-CN': '催收团队', en: 'Team' },
  grade: { 'zh-CN': '风险等级', en: 'Risk grade' },
  loans: { 'zh-CN': '贷款笔数', en: 'Loans' },
  rule: { 'zh-CN': '预警规则', en: 'Warning rule' },
  month_ahead: { 'zh-CN': '预测月份', en: 'Months ahead' },
  five_class: { 'zh-CN': '五级分类', en: 'Five-category class' },
  stage: { 'zh-CN': 'IFRS 9 阶段', en: 'IFRS 9 stage' },
  no_data: { 'zh-CN': '本期无数据', en: 'No data for this period' },
  product: { 'zh-CN': '产品', en: 'product' },
  region: { 'zh-CN': '区域', en: 'region' },
  branch: { 'zh-CN': '分行', en: 'branch' },
} as const satisfies Record<string, Text>;

export const fiveClassLabels: Record<string, Text> = {
  normal: { 'zh-CN': '正常', en: 'Normal' },
  special_mention: { 'zh-CN': '关注', en: 'Special mention' },
  substandard: { 'zh-CN': '次级', en: 'Substandard' },
  doubtful: { 'zh-CN': '可疑', en: 'Doubtful' },
  loss: { 'zh-CN': '损失', en: 'Loss' },
};

/** Delinquency buckets: Chinese terms where there is one (C 正常, PO 结清, WO 核销); M1 … M7+ are read as such. */
export const bucketLabels: Record<string, Text> = {
  C: { 'zh-CN': '正常(C)', en: 'C' },
  PO: { 'zh-CN': '结清(PO)', en: 'PO (paid off)' },
  WO: { 'zh-CN': '核销(WO)', en: 'WO (written off)' },
};

export const stageLabels: Record<string, Text> = {
  '1': { 'zh-CN': '阶段一', en: 'Stage 1' },
  '2': { 'zh-CN': '阶段二', en: 'Stage 2' },
  '3': { 'zh-CN': '阶段三', en: 'Stage 3' },
};

/** Where a loan of a class at the period start ends up: a class, or closed. */
export const endClassLabels: Record<string, Text> = {
  ...fiveClassLabels,
  paid_off: { 'zh-CN': '结清/收回', en: 'Repaid / closed' },
  charged_off: { 'zh-CN': '核销', en: 'Written off' },
};

export const severityLabels: Record<string, Text> = {
  info: { 'zh-CN': '提示', en: 'Info' },
  warning: { 'zh-CN': '警告', en: 'Warning' },
  critical: { 'zh-CN': '严重', en: 'Critical' },
};

/** The default warning rules (pipelines/warnings/rules.ts); a bank's own rule ids show as they are. */
/**
 * The warning rules by name, in both languages: the charts, the warning tables and the summary's
 * "Warnings: …" figures use these same words (the English charts showed the codes, `high_score`,
 * beside a summary saying "High model score").
 */
export const ruleLabels: Record<string, Text> = {
  overdue_3_months: { 'zh-CN': '连续逾期 3 个月', en: 'Overdue 3 months running' },
  overdue_amount_50k: { 'zh-CN': '逾期金额超 5 万', en: 'Overdue amount over 50K' },
  high_score: { 'zh-CN': '模型高风险评分', en: 'High model score' },
  score_jump: { 'zh-CN': '评分较上月跳升', en: 'Score jump since last month' },
  broken_promise: { 'zh-CN': '违背还款承诺', en: 'Broken promise to pay' },
  model_drift: { 'zh-CN': '模型漂移', en: 'Model drift' },
};

const regionNames: Record<string, string> = {
  central: '华中',
  east: '华东',
  north: '华北',
  northeast: '东北',
  northwest: '西北',
  south: '华南',
  southwest: '西南',
  west: '西部',
};
const teamStages: Record<string, string> = { early: '早期', mid: '中期', late: '后期' };

/** Teams that are not `<region>-<stage>`: the outside collection agency. */
const otherTeams: Record<string, Text> = { agency: { 'zh-CN': '委外机构', en: 'agency' } };

/** A collection team code `<region>-<stage>` in the language (`east-early` → 华东早期组, `agency` → 委外机构); other codes as they are. */
export function teamLabel(code: string, lang: Lang): string {
  const other = otherTeams[code];
  if (other) return other[lang];
  if (lang === 'en') return code;
  const [region = '', stage = ''] = code.split('-');
  const r = regionNames[region];
  const s = teamStages[stage];
  return r && s ? `${r}${s}组` : code;
}

/** SPEC §3 collection channels */
export const channelLabels: Record<string, Text> = {
  sms: { 'zh-CN': '短信', en: 'SMS' },
  phone: { 'zh-CN': '电话', en: 'Phone' },
  visit: { 'zh-CN': '上门', en: 'Visit' },
  letter: { 'zh-CN': '信函', en: 'Letter' },
  legal: { 'zh-CN': '法律', en: 'Legal' },
  agency: { 'zh-CN': '委外', en: 'Agency' },
};

export const packTitles: Record<'management' | 'regulatory', Text> = {
  management: { 'zh-CN': '贷后管理月报', en: 'Monthly portfolio management pack' },
  regulatory: { 'zh-CN': '监管报送分析包', en: 'Regulatory pack' },
};

/**
 * Money for text: 1.23亿 / 4,567.0万 / 3.96万 in Chinese, 123.4M / 4.6K in English. The 万 keep their
 * decimal when it is 0 (212万 stood beside 918.7万 in one column) and two below 10万, as the English
 * keeps three figures there (-39,592.29 was "-4万" beside "-39.6K").
 */
export function formatMoney(lang: Lang, x: number): string {
  const a = Math.abs(x);
  if (lang === 'zh-CN') {
    if (a >= 1e8) return `${(x / 1e8).toFixed(2)}亿`;
    if (a >= 1e4) {
      const digits = a >= 1e5 ? 1 : 2;
      return `${(x / 1e4).toLocaleString('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits })}万`;
    }
    return x.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  }
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(1)}K`;
  return x.toLocaleString('en', { maximumFractionDigits: 2 });
}

export const formatPct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;

/** The same money format as a Vega expression, for axis labels and tooltips (datum.value). */
export function moneyLabelExpr(lang: Lang): string {
  return lang === 'zh-CN'
    ? `abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.1f') + '亿' : abs(datum.value) >= 1e4 ? format(datum.value / 1e4, ',.0f') + '万' : format(datum.value, ',.0f')`
    : `abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '.1f') + 'B' : abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '.1f') + 'M' : abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '.0f') + 'K' : format(datum.value, ',.0f')`;
}

/**
 * Money on an axis or a legend, whose labels are ticks a step apart: in the unit moneyLabelExpr picks
 * (万/亿, K/M/B) with as many decimals as the tick needs, down to one yuan, trailing zeros dropped
 * (d3's `~`). With a fixed 0 or 1 decimal, ticks 12,000 and 14,000 both read "1万" and 16,000 to
 * 20,000 all "2万"; now they read 1.2万, 1.4万 … 2万. Ticks are round numbers, so the decimals stay few.
 */
export function moneyAxisLabelExpr(lang: Lang): string {
  const unit = (div: string, digits: number, suffix: string) =>
    `format(datum.value / ${div}, ',.${digits}~f') + '${suffix}'`;
  return lang === 'zh-CN'
    ? `abs(datum.value) >= 1e8 ? ${unit('1e8', 8, '亿')} : abs(datum.value) >= 1e4 ? ${unit('1e4', 4, '万')} : format(datum.value, ',.2~f')`
    : `abs(datum.value) >= 1e9 ? ${unit('1e9', 9, 'B')} : abs(datum.value) >= 1e6 ? ${unit('1e6', 6, 'M')} : abs(datum.value) >= 1e3 ? ${unit('1e3', 3, 'K')} : format(datum.value, ',.2~f')`;
}

export const tr = (t: Text, lang: Lang) => t[lang];
