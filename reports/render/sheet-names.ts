import type { Lang, Text } from '../i18n.ts';

/**
 * Each chart's sheet in the workbook: a short name of its own in each language (Excel allows 31
 * characters). The chart titles are longer, and cut at 31 they broke mid-word ("Special mention
 * and overdue > 6" read as "> 6 days"). Unique within a pack and language without regard to case,
 * none of []:*?/\ — test/unit/reports/render/sheet-names.test.ts checks every template has one.
 */
export const chartSheetNames: Record<string, Text> = {
  'portfolio-balance': { 'zh-CN': '贷款余额', en: 'Outstanding balance' },
  'new-business': { 'zh-CN': '新增放款', en: 'New business' },
  'overdue-trend': { 'zh-CN': '逾期率与不良率趋势', en: 'Overdue, PAR and NPL ratios' },
  'vintage-ever30': { 'zh-CN': '账龄分析 逾期30天以上', en: 'Vintage ever 30+ DPD' },
  'vintage-ever90': { 'zh-CN': '账龄分析 逾期90天以上', en: 'Vintage ever 90+ DPD' },
  'roll-rate-heatmap': { 'zh-CN': '滚动率矩阵', en: 'Roll-rate matrix' },
  'flow-rate-trend': { 'zh-CN': '流转率趋势', en: 'Flow rates' },
  'write-offs': { 'zh-CN': '核销来源', en: 'Write-offs by bucket' },
  'cure-rates': { 'zh-CN': '逾期回正率', en: 'Cure rates' },
  'recovery-curves': { 'zh-CN': '违约后回收曲线', en: 'Recovery curves' },
  'collections-channel': { 'zh-CN': '各渠道催收表现', en: 'Collections by channel' },
  'collections-team': { 'zh-CN': '各团队回收与回正', en: 'Collections by team' },
  'incentives-team': { 'zh-CN': '各团队清收奖励', en: 'Incentives by team' },
  'ew-score-distribution': { 'zh-CN': '预警评分分布', en: 'Score distribution' },
  'ew-monitoring': { 'zh-CN': '模型监控', en: 'Model monitoring' },
  'ew-top-warnings': { 'zh-CN': '本月末预警', en: 'Warnings fired' },
  'warning-effectiveness': { 'zh-CN': '预警效果评估', en: 'Warning effectiveness' },
  'warning-thresholds': { 'zh-CN': '预警阈值检验', en: 'Warning thresholds' },
  'loss-forecast': { 'zh-CN': '预期损失预测', en: 'Loss forecast' },
  'five-category-distribution': { 'zh-CN': '五级分类余额', en: 'Five-category balance' },
  'five-category-trend': { 'zh-CN': '关注及不良占比趋势', en: 'Five-category trend' },
  'watch-by-product': { 'zh-CN': '分产品关注与逾期', en: 'Watch and overdue by product' },
  'npl-deviation': { 'zh-CN': '不良率与偏离度', en: 'NPL ratio and deviation' },
  'provision-coverage': { 'zh-CN': '拨备覆盖率', en: 'Provision coverage' },
  'provision-ratio': { 'zh-CN': '贷款拨备率', en: 'Provision ratio' },
  'migration-rates': { 'zh-CN': '五级分类迁徙率（12个月）', en: 'Migration rates 12 months' },
  'class-migration-matrix': { 'zh-CN': '五级分类迁徙矩阵', en: 'Migration matrix' },
  'ifrs9-stages': { 'zh-CN': 'IFRS 9 阶段占比', en: 'IFRS 9 stages' },
  'ifrs9-ecl': { 'zh-CN': '预期信用损失', en: 'ECL by stage' },
  'ecl-walk': { 'zh-CN': 'ECL 变动分析', en: 'ECL walk' },
  'disposal-options': { 'zh-CN': '建议处置方式', en: 'Disposal options' },
  'interest-arrears': { 'zh-CN': '表内外欠息', en: 'Interest arrears' },
};

/** A chart's sheet name in the language; a chart without one (a bank's own) is named by its title. */
export const chartSheetName = (id: string, title: string, lang: Lang) => chartSheetNames[id]?.[lang] ?? title;
