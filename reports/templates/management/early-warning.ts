import { defineChart } from '../../template.ts';
import { labels, ruleLabels, severityLabels } from '../../i18n.ts';
import { codeColour, labelExpr, lineInView, monthField, ruleAt, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

const severities = ['info', 'warning', 'critical'];

export const scoreDistribution = defineChart({
  id: 'ew-score-distribution',
  pack: 'management',
  title: { 'zh-CN': '预警模型评分分布', en: 'Early-warning score distribution' },
  note: {
    'zh-CN': '冠军模型在月末对在贷贷款的风险等级（A 最低风险，E 最高）；目标：3 个月内逾期超过 30 天。',
    en: 'Risk grades of active loans from the champion model at the month-end (A lowest risk, E highest); target: DPD > 30 within 3 months.',
  },
  unit: units.loans,
  shows: shown.monthEnd,
  data: (p) => ({
    metric: 'score_distribution',
    request: { as_of: p.monthEnd, from: p.monthEnd, to: p.monthEnd, group_by: ['grade'] },
  }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: seriesColours.M4 },
    encoding: {
      x: { field: 'grade', type: 'ordinal', title: labels.grade[lang], axis: { labelAngle: 0 } },
      y: { field: 'loans', type: 'quantitative', title: labels.loans[lang] },
      tooltip: [
        { field: 'grade', type: 'nominal' },
        { field: 'loans', type: 'quantitative', format: ',' },
        { field: 'mean_probability', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});

export const modelMonitoring = defineChart({
  id: 'ew-monitoring',
  pack: 'management',
  title: { 'zh-CN': '模型监控：PSI 与实际 AUC', en: 'Model monitoring: PSI and realised AUC' },
  note: {
    'zh-CN':
      '训练期之后各月的评分 PSI（< 0.1 稳定，0.1–0.25 关注，> 0.25 需重训，虚线）与表现期已结束月份的实际 AUC（右轴）。',
    en: 'Score PSI per month after training (< 0.1 stable, 0.1–0.25 watch, > 0.25 retrain: dashed lines) and realised AUC (right axis) where outcomes have matured.',
  },
  unit: units.psi,
  // the months after the model's training window, not the pack's twelve: a model trained on the first
  // of them is monitored on fewer ("12 month-ends" over a chart of 9)
  shows: (p, lang, rows) => {
    const months = [...new Set((rows ?? []).map((r) => String(r.month_end)))].sort();
    if (!rows || months.length === 0) return shown.monthEnds(p, lang);
    const [first, last] = [months[0]!.slice(0, 7), months.at(-1)!.slice(0, 7)];
    if (months.length === 1)
      return lang === 'zh-CN' ? `${first} 月末（训练期之后）` : `month-end ${first} (after training)`;
    return lang === 'zh-CN'
      ? `训练期之后 ${first} 至 ${last} 共 ${months.length} 个月末`
      : `${months.length} month-ends after training, ${first} to ${last}`;
  },
  data: (p) => ({ metric: 'model_monitoring', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    layer: [
      {
        layer: [
          // the 0.25 band edge always in view, so a PSI of 0.02 does not fill the axis; a PSI above
          // it stays on the axis
          ...lineInView(
            {
              colour: '#e4572e',
              encoding: {
                y: { field: 'score_psi', type: 'quantitative', title: 'PSI', axis: { titleColor: '#e4572e' } },
                tooltip: [
                  { field: 'month_end', type: 'nominal' },
                  { field: 'score_psi', type: 'quantitative', format: '.4f' },
                ],
              },
            },
            0.3,
          ),
          ...ruleAt(0.1, lang === 'zh-CN' ? 'PSI 0.1 关注' : 'PSI 0.1 watch'),
          ...ruleAt(0.25, lang === 'zh-CN' ? 'PSI 0.25 需重训' : 'PSI 0.25 act'),
        ],
      },
      {
        // 0.5 (no better than chance) to 1 at least; a model worse than chance still shows
        layer: lineInView(
          {
            colour: '#1f5fa8',
            encoding: {
              y: { field: 'auc', type: 'quantitative', title: 'AUC', axis: { titleColor: '#1f5fa8' } },
              tooltip: [
                { field: 'month_end', type: 'nominal' },
                { field: 'auc', type: 'quantitative', format: '.4f' },
              ],
            },
          },
          1,
          0.5,
        ),
      },
    ],
    resolve: { scale: { y: 'independent' } },
  }),
});

export const topWarnings = defineChart({
  id: 'ew-top-warnings',
  pack: 'management',
  title: { 'zh-CN': '本月末触发的预警', en: 'Warnings fired at the month-end' },
  note: {
    'zh-CN': '按预警规则与严重程度统计（loanwatch warnings）。',
    en: 'By warning rule and severity (loanwatch warnings).',
  },
  unit: units.warnings,
  shows: shown.monthEnd,
  data: (p) => ({ metric: 'warnings_summary', request: { as_of: p.monthEnd, from: p.monthEnd, to: p.monthEnd } }),
  body: (_rows, lang) => ({
    transform: [{ calculate: labelExpr('rule_id', ruleLabels, lang), as: 'rule_label' }],
    mark: 'bar',
    encoding: {
      y: { field: 'rule_label', type: 'nominal', title: labels.rule[lang], sort: '-x' },
      x: { field: 'warnings', type: 'quantitative', title: { 'zh-CN': '预警数', en: 'Warnings' }[lang] },
      color: codeColour('severity', severities, severityLabels, lang, { 'zh-CN': '严重程度', en: 'Severity' }[lang]),
      tooltip: [
        { field: 'rule_id', type: 'nominal' },
        { field: 'severity', type: 'nominal' },
        { field: 'warnings', type: 'quantitative', format: ',' },
      ],
    },
  }),
});
