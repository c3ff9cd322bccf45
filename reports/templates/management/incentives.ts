import { defineChart } from '../../template.ts';
import { labels, teamLabel } from '../../i18n.ts';
import { codeColour, labelExpr, moneyAxis, units } from '../../spec.ts';

/** The parts an award adds up from (award = their sum): what each team's bar is stacked of. */
const parts = {
  commission: { 'zh-CN': '回收提成', en: 'Commission' },
  cure_bonus: { 'zh-CN': '回正奖励', en: 'Cure bonus' },
  multiplier_effect: { 'zh-CN': '承诺兑现系数调整', en: 'Kept-promise multiplier' },
  cap_reduction: { 'zh-CN': '封顶扣减', en: 'Cap' },
  deductions: { 'zh-CN': '违规扣罚', en: 'Rule-breach deductions' },
  floor: { 'zh-CN': '保底（奖励不为负）', en: 'Floor (no negative award)' },
};

const partColours: Record<keyof typeof parts, string> = {
  commission: '#1f5fa8',
  cure_bonus: '#29a36a',
  multiplier_effect: '#5bc0be',
  cap_reduction: '#f2a541',
  deductions: '#e4572e',
  floor: '#8c8c8c',
};

/**
 * Collector incentive awards (清收奖励) of the pack's month by team, from the catalogue metric
 * `incentive_awards` (the month as issued by `loanwatch incentives`; none issued: no bars): each
 * part stacked — the positive ones above zero, the cap and deductions below — and the award as a
 * diamond, so the bar shows how the award was reached.
 */
export const incentivesByTeam = defineChart({
  id: 'incentives-team',
  pack: 'management',
  title: { 'zh-CN': '各团队清收奖励及构成', en: 'Collector incentive awards by team' },
  note: {
    'zh-CN':
      '奖励 = 回收提成 + 回正奖励 + 承诺兑现系数调整 + 封顶扣减 + 违规扣罚 + 保底；黑色菱形为奖励。还款只计入还款前 N 天内最后一次有效接触的催收员（委外机构接触的归机构）。未发放的月份无数据。',
    en: "Award = commission + cure bonus + multiplier effect + cap + deductions + floor; the black diamond is the award. A payment is credited to the last contact within N days before it (an agency's contact makes it the agency's). A month not issued has no bars.",
  },
  unit: units.money,
  shows: (p, lang) => (lang === 'zh-CN' ? `${p.period} 月发放的奖励` : `awards issued for ${p.period}`),
  data: (p) => ({
    metric: 'incentive_awards',
    request: { from: p.monthEnd, to: p.monthEnd, as_of: p.monthEnd, group_by: ['team'] },
  }),
  body: (rows, lang) => {
    const teams = Object.fromEntries(
      rows.map((r) => [String(r.team), { 'zh-CN': teamLabel(String(r.team), 'zh-CN'), en: String(r.team) }]),
    );
    const y = { field: 'team_label', type: 'nominal', title: labels.team[lang] };
    return {
      transform: [{ calculate: labelExpr('team', teams, lang), as: 'team_label' }],
      layer: [
        {
          transform: [{ fold: Object.keys(parts), as: ['part', 'value'] }],
          mark: 'bar',
          encoding: {
            y,
            x: {
              field: 'value',
              type: 'quantitative',
              stack: 'zero',
              title: { 'zh-CN': '金额', en: 'Amount' }[lang],
              axis: moneyAxis(lang),
            },
            color: {
              ...codeColour('part', Object.keys(parts), parts, lang, labels.measure[lang]),
              // the theme has no colours for these codes: earnings in blues and green, cuts in reds
              scale: { domain: Object.keys(parts), range: Object.values(partColours) },
            },
            tooltip: [
              { field: 'team_label', type: 'nominal', title: labels.team[lang] },
              { field: 'part', type: 'nominal' },
              { field: 'value', type: 'quantitative', format: ',.2f' },
            ],
          },
        },
        {
          mark: { type: 'point', shape: 'diamond', filled: true, color: '#222', size: 60, opacity: 1 },
          encoding: {
            y,
            x: { field: 'award', type: 'quantitative' },
            tooltip: [
              { field: 'team_label', type: 'nominal', title: labels.team[lang] },
              { field: 'award', type: 'quantitative', format: ',.2f', title: { 'zh-CN': '奖励', en: 'Award' }[lang] },
              { field: 'agents', type: 'quantitative', title: { 'zh-CN': '催收员', en: 'Agents' }[lang] },
              { field: 'agents_capped', type: 'quantitative', title: { 'zh-CN': '封顶人数', en: 'Capped' }[lang] },
            ],
          },
        },
      ],
    };
  },
});
