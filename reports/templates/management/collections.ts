import { defineChart, type ReportPeriod } from '../../template.ts';
import { channelLabels, labels, teamLabel } from '../../i18n.ts';
import { codeColour, covered, labelExpr, moneyAxis, pctAxis, units } from '../../spec.ts';

const rates = {
  contact_rate: { 'zh-CN': '接通率', en: 'Contact rate' },
  promise_to_pay_rate: { 'zh-CN': '承诺还款率', en: 'Promise-to-pay rate' },
  promise_kept_rate: { 'zh-CN': '承诺兑现率', en: 'Promise kept rate' },
  cure_rate: { 'zh-CN': '回正率', en: 'Cure rate' },
};
const period = (p: { from: string; monthEnd: string }) => ({ from: p.from, to: p.monthEnd, as_of: p.monthEnd });
/** the months of actions as far as the data goes (fewer than 12 in its first year) */
const actionsShown = (p: ReportPeriod, lang: 'zh-CN' | 'en') => {
  const { start, months } = covered(p);
  if (months === 1) return lang === 'zh-CN' ? `${p.period} 月的催收动作` : `collection actions in ${p.period}`;
  return lang === 'zh-CN'
    ? `${start.slice(0, 7)} 至 ${p.monthEnd.slice(0, 7)} 共 ${months} 个月的催收动作`
    : `collection actions in the ${months} months ${start.slice(0, 7)} to ${p.monthEnd.slice(0, 7)}`;
};

export const collectionsByChannel = defineChart({
  id: 'collections-channel',
  pack: 'management',
  title: { 'zh-CN': '各渠道催收表现', en: 'Collection performance by channel' },
  note: {
    'zh-CN':
      '接通率的分母：催收动作数；回正率：动作当日已逾期（按当日逾期天数）贷款的催收动作数（动作日后的第一个月末正常或结清为回正）；承诺还款率：接通数；承诺兑现率：已到期承诺数。',
    en: "Contact rate per action; cure rate per action on a loan past due on the action's day (its DPD that day; cured: current or paid off at the first month-end after it); promise-to-pay per contact; promise kept per matured promise.",
  },
  unit: units.pct,
  shows: actionsShown,
  data: (p) => ({ metric: 'collections', request: { ...period(p), group_by: ['channel'] } }),
  body: (_rows, lang) => ({
    transform: [
      { fold: Object.keys(rates), as: ['measure', 'value'] },
      { calculate: labelExpr('channel', channelLabels, lang), as: 'channel_label' },
    ],
    mark: 'bar',
    encoding: {
      x: { field: 'channel_label', type: 'nominal', title: labels.channel[lang], axis: { labelAngle: 0 } },
      xOffset: { field: 'measure', sort: Object.keys(rates) },
      y: { field: 'value', type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
      color: codeColour('measure', Object.keys(rates), rates, lang, labels.measure[lang]),
      tooltip: [
        { field: 'channel_label', type: 'nominal' },
        { field: 'measure', type: 'nominal' },
        { field: 'value', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});

export const collectionsByTeam = defineChart({
  id: 'collections-team',
  pack: 'management',
  title: { 'zh-CN': '各团队回收金额与回正率', en: 'Amount collected and cure rate by team' },
  note: {
    'zh-CN': '回收金额：催收动作后收到的还款；颜色为回正率（分母：动作当日已逾期贷款的催收动作数）。',
    en: "Cash received after the team's actions; colour: cure rate (per action on a loan past due on the action's day).",
  },
  unit: units.moneyPct,
  shows: actionsShown,
  data: (p) => ({ metric: 'collections', request: { ...period(p), group_by: ['team'] } }),
  body: (rows, lang) => ({
    transform: [
      {
        calculate: labelExpr(
          'team',
          Object.fromEntries(
            rows.map((r) => [String(r.team), { 'zh-CN': teamLabel(String(r.team), 'zh-CN'), en: String(r.team) }]),
          ),
          lang,
        ),
        as: 'team_label',
      },
    ],
    mark: 'bar',
    encoding: {
      y: { field: 'team_label', type: 'nominal', title: labels.team[lang], sort: '-x' },
      x: {
        field: 'collected',
        type: 'quantitative',
        title: { 'zh-CN': '回收金额', en: 'Collected' }[lang],
        axis: moneyAxis(lang),
      },
      color: {
        field: 'cure_rate',
        type: 'quantitative',
        title: { 'zh-CN': '回正率', en: 'Cure rate' }[lang],
        scale: { scheme: 'greens' },
        legend: { format: '.0%' },
      },
      tooltip: [
        { field: 'team_label', type: 'nominal' },
        { field: 'collected', type: 'quantitative', format: ',.2f' },
        { field: 'cure_rate', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});
