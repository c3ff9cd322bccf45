import { defineChart, type ReportPeriod, type Row } from '../../template.ts';
import { ruleLabels, type Lang, type Text } from '../../i18n.ts';
import { labelExpr } from '../../spec.ts';
import { addMonthEnds } from '../../../lib/dates.ts';
import { smallVolume } from '../../../warehouse/metrics/warning-math.ts';

/**
 * Warning effectiveness (监控效果评估, issue 22 item 6) as a table: one row per warning rule and
 * champion grade, columns detection rate and precision at 1 and 3 months, median lead days, warned
 * and false-alarm volumes (3 months), for rolls to DPD > 30 (the early-warning target). Rates are
 * shaded; a row whose warned or rolled loan-months are fewer than `smallVolume` is pale and marked †.
 */
const columns: Record<string, Text> = {
  'detection_rate|1': { 'zh-CN': '发现率·1个月', en: 'Detection 1m' },
  'detection_rate|3': { 'zh-CN': '发现率·3个月', en: 'Detection 3m' },
  'precision|1': { 'zh-CN': '精确率·1个月', en: 'Precision 1m' },
  'precision|3': { 'zh-CN': '精确率·3个月', en: 'Precision 3m' },
  'median_lead_days|3': { 'zh-CN': '提前天数中位数', en: 'Median lead' },
  'warned|3': { 'zh-CN': '预警贷款月', en: 'Warned' },
  'false_alarms|3': { 'zh-CN': '误报贷款月', en: 'False alarms' },
};
const rates = ['detection_rate', 'precision'];
const gradeWord: Text = { 'zh-CN': '评级', en: 'Grade' };

const subjectLabel = (kind: string, subject: string, lang: Lang) =>
  kind === 'grade' ? `${gradeWord[lang]} ${subject}` : (ruleLabels[subject]?.[lang] ?? subject);

const warningMonths = (p: { monthEnd: string }) => {
  const to = addMonthEnds(p.monthEnd, -3);
  return { from: addMonthEnds(to, -11), to };
};

/** the warning months as far as the data goes: none, or fewer than 12, in the book's first months */
function warningMonthsShown(p: ReportPeriod, lang: Lang): string {
  const w = warningMonths(p);
  const from = p.dataFrom && p.dataFrom > w.from ? p.dataFrom : w.from;
  const n =
    (Number(w.to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
    Number(w.to.slice(5, 7)) -
    Number(from.slice(5, 7)) +
    1;
  if (n <= 0)
    return lang === 'zh-CN'
      ? `尚无预警月（数据始于 ${from.slice(0, 7)}，预警月须早于报告月 3 个月）`
      : `no warning month yet (the data starts in ${from.slice(0, 7)}; a warning month is 3 months before the report's)`;
  return lang === 'zh-CN'
    ? `${from.slice(0, 7)} 至 ${w.to.slice(0, 7)} 共 ${n} 个预警月`
    : `the ${n} warning month${n === 1 ? '' : 's'} ${from.slice(0, 7)} to ${w.to.slice(0, 7)}`;
}

export default defineChart({
  id: 'warning-effectiveness',
  pack: 'management',
  title: { 'zh-CN': '预警效果评估：逾期发现率与精确率', en: 'Warning effectiveness: detection and precision' },
  note: {
    'zh-CN': `对象：预警月末在贷且逾期不超过 30 天的贷款月；发现率 = 其后 1 或 3 个月内逾期超过 30 天且当月已预警的贷款月 ÷ 其后逾期超过 30 天的贷款月；精确率 = 同一分子 ÷ 预警贷款月；提前天数：从事件前首次预警到首次逾期超过 30 天之日的中位数（3 个月）；评级行：冠军模型在该月末评为该等级即视为预警。† 浅色：预警或逾期贷款月少于 ${String(smallVolume)}，比率仅供参考。`,
    en: `Loan-months active with DPD ≤ 30 at the warning month-end. Detection = loan-months warned that month and over 30 DPD within 1 or 3 months ÷ loan-months over 30 DPD within them; precision = the same ÷ warned loan-months; lead days: median from the first warning before the event to the first day over 30 DPD (3 months); a grade row counts a loan-month graded so by the champion as warned. † pale: fewer than ${String(smallVolume)} warned or rolled loan-months, rates indicative only.`,
  },
  unit: { 'zh-CN': '比率：%；提前期：天；预警量：贷款月', en: 'rates in %; lead in days; volumes in loan-months' },
  shows: (p, lang) => warningMonthsShown(p, lang),
  data: (p) => ({ metric: 'warning_effectiveness', request: { as_of: p.monthEnd, ...warningMonths(p) } }),
  size: { width: 620 },
  // no loan-month warned by any rule or grade (no warnings fired, no champion to grade): a table
  // of 0.0% would read as rules that failed, not as nothing to evaluate
  hasData: (rows) => rows.some((r) => r.level === 30 && Number(r.warned) > 0),
  body: (rows, lang) => {
    const shown = rows.filter((r) => r.level === 30);
    // row order: rules as the metric lists them, then grades A–E; labels computed here, in the language
    const subjects = [...new Map(shown.map((r) => [`${String(r.subject_kind)}|${String(r.subject)}`, r])).values()];
    const labelOf = Object.fromEntries(
      subjects.map((r) => [
        `${String(r.subject_kind)}|${String(r.subject)}`,
        {
          'zh-CN': subjectLabel(String(r.subject_kind), String(r.subject), 'zh-CN'),
          en: subjectLabel(String(r.subject_kind), String(r.subject), 'en'),
        },
      ]),
    );
    const small = new Set(
      shown
        .filter((r) => r.horizon === 3 && r.volume_flag === 'small')
        .map((r) => `${String(r.subject_kind)}|${String(r.subject)}`),
    );
    const order = subjects.map((r) => {
      const key = `${String(r.subject_kind)}|${String(r.subject)}`;
      return `${labelOf[key]?.[lang] ?? key}${small.has(key) ? ' †' : ''}`;
    });
    return {
      height: Math.max(120, 26 * subjects.length),
      transform: [
        { filter: 'datum.level === 30' },
        {
          fold: ['detection_rate', 'precision', 'median_lead_days', 'warned', 'false_alarms'],
          as: ['measure', 'value'],
        },
        { filter: `indexof(${JSON.stringify(rates)}, datum.measure) >= 0 || datum.horizon === 3` },
        { calculate: "datum.measure + '|' + datum.horizon", as: 'column' },
        { calculate: "datum.subject_kind + '|' + datum.subject", as: 'key' },
        { calculate: labelExpr('key', labelOf, lang), as: 'subject_label' },
        {
          calculate: `datum.subject_label + (indexof(${JSON.stringify([...small])}, datum.key) >= 0 ? ' †' : '')`,
          as: 'row_label',
        },
        { calculate: `indexof(${JSON.stringify(rates)}, datum.measure) >= 0`, as: 'is_rate' },
        { calculate: `indexof(${JSON.stringify([...small])}, datum.key) >= 0`, as: 'is_small' },
        {
          calculate:
            "datum.value === null ? '–' : datum.is_rate ? format(datum.value, '.1%') : datum.measure === 'median_lead_days' ? format(datum.value, '.0f') : format(datum.value, ',')",
          as: 'text',
        },
      ],
      encoding: {
        x: {
          field: 'column',
          type: 'ordinal',
          sort: Object.keys(columns),
          title: { 'zh-CN': '指标（逾期超过 30 天）', en: 'Measure (over 30 DPD)' }[lang],
          axis: {
            orient: 'top',
            labelAngle: 0,
            labelFontSize: 10,
            labelLimit: 110,
            domain: false,
            ticks: false,
            grid: false,
            labelExpr: labelExpr('value', columns, lang).replaceAll('datum["value"]', 'datum.value'),
          },
        },
        y: {
          field: 'row_label',
          type: 'ordinal',
          sort: order,
          title: { 'zh-CN': '预警规则 / 模型评级', en: 'Warning rule / model grade' }[lang],
          axis: { domain: false, ticks: false, grid: false, labelFontSize: 11, labelLimit: 200 },
        },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: {
            color: {
              condition: {
                test: 'datum.is_rate && datum.value !== null',
                field: 'value',
                type: 'quantitative',
                scale: { scheme: 'blues', domain: [0, 1.25] },
                legend: null,
              },
              value: '#f3f3f3',
            },
            opacity: { condition: { test: 'datum.is_small', value: 0.45 }, value: 1 },
            tooltip: [
              { field: 'subject', type: 'nominal' },
              { field: 'horizon', type: 'ordinal' },
              { field: 'measure', type: 'nominal' },
              { field: 'text', type: 'nominal' },
              { field: 'rolled', type: 'quantitative', format: ',' },
              { field: 'events', type: 'quantitative', format: ',' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            text: { field: 'text', type: 'nominal' },
            // white on the darkest shades, grey on small volumes
            color: {
              condition: [
                { test: 'datum.is_small', value: '#9a9a9a' },
                { test: 'datum.is_rate && datum.value > 0.6', value: 'white' },
              ],
              value: '#1b1b1b',
            },
          },
        },
      ],
    };
  },
});

/**
 * The table's columns, one measure each; a rule's current threshold and the one that dominates it are
 * two rows under it. Detection is found ÷ rolled (loan-months over 30 DPD within the horizon), shown
 * with that fraction; the warned volume and precision (found ÷ warned) have their own columns. Four
 * columns, not eight side by side: eight made the table twice the page's width, drawn at half size.
 */
const measureColumns: Record<string, Text> = {
  threshold: { 'zh-CN': '阈值', en: 'Threshold' },
  detection_rate: { 'zh-CN': '发现率', en: 'Detection' },
  warned: { 'zh-CN': '预警量', en: 'Warned' },
  precision: { 'zh-CN': '精确率', en: 'Precision' },
};
const horizonWord = (h: number, lang: Lang) => (lang === 'zh-CN' ? `${h} 个月内` : `${h} month${h === 1 ? '' : 's'}`);
const dominatingRow: Text = { 'zh-CN': '— 占优阈值', en: '— dominating threshold' };
const dominatingRule: Text = { 'zh-CN': '— 占优：', en: '— dominating: ' };
const notDominated: Text = { 'zh-CN': '无（未被占优）', en: 'none (not dominated)' };

/** a threshold as its rule kind reads it: months, an amount, a probability */
const thresholdText = (field: string, kindExpr: string, lang: Lang) =>
  `${kindExpr} === 'consecutive_overdue' ? format(datum.${field}, 'd') + ${lang === 'zh-CN' ? "' 个月'" : `(datum.${field} === 1 ? ' month' : ' months')`} : ${kindExpr} === 'overdue_amount' ? format(datum.${field}, ',.0f') : format(datum.${field}, '.3~f')`;

/**
 * The dominance check of the threshold rules (warning_threshold_suggestions), over 30 DPD within 1
 * and 3 months: each rule's current threshold with its detection, volume and precision, and beneath it
 * the threshold — of the same or another threshold rule, named in its row — that detects as many or more with as many
 * or fewer warnings, if any.
 */
export const warningThresholdSuggestions = defineChart({
  id: 'warning-thresholds',
  pack: 'management',
  title: { 'zh-CN': '预警阈值检验：是否存在占优阈值', en: 'Warning thresholds: is a threshold dominated?' },
  note: {
    'zh-CN':
      '各阈值类规则按月末重算（同一批预警月；1 个月内、3 个月内逾期超过 30 天）：每条规则的当前阈值，其下一行为阈值网格（本规则附近及其他阈值类规则）中发现数不少于当前、预警量不多于当前且至少一项更优的阈值，“未被占优”表示没有这样的阈值。发现率 = 发现的贷款月 ÷ 期内逾期超过 30 天的贷款月（括号内为该分子 / 分母），精确率 = 发现的贷款月 ÷ 预警贷款月。同一规则提高阈值只会减少预警，故只有在不漏掉任何已发现逾期时才占优。',
    en: 'Each threshold rule re-evaluated at month-ends (the same warning months; over 30 DPD within 1 and within 3 months): its current threshold, and beneath it the grid point (around it, or of another threshold rule) that finds at least as many with at most as many warnings, better in one, or "not dominated". Detection = loan-months found ÷ loan-months over 30 DPD within the horizon (that fraction in brackets); precision = loan-months found ÷ loan-months warned. Within one rule a higher threshold only drops warnings, so it dominates only when it loses no detection.',
  },
  unit: {
    'zh-CN': '发现率、精确率：%；预警量：贷款月',
    en: 'detection and precision in %; volumes in loan-months',
  },
  shows: (p, lang) => warningMonthsShown(p, lang),
  data: (p) => ({ metric: 'warning_threshold_suggestions', request: { as_of: p.monthEnd, ...warningMonths(p) } }),
  size: { width: 460 },
  body: (rows, lang) => {
    const shown = rows.filter((r) => r.level === 30);
    const kinds = Object.fromEntries(
      rows.map((r) => [String(r.rule_id), { 'zh-CN': String(r.kind), en: String(r.kind) }]),
    );
    const ruleText = (id: string, l: Lang) => ruleLabels[id]?.[l] ?? id;
    // the rows of the table in order: each rule and horizon, its current threshold, then what dominates it
    const rowKey = (r: Row, side: string) => `${String(r.rule_id)}|${String(r.horizon)}|${side}`;
    const rowLabels: Record<string, Text> = {};
    for (const r of shown) {
      const h = Number(r.horizon);
      rowLabels[rowKey(r, 'current')] = {
        'zh-CN': `${ruleText(String(r.rule_id), 'zh-CN')} · ${horizonWord(h, 'zh-CN')}`,
        en: `${ruleText(String(r.rule_id), 'en')} · ${horizonWord(h, 'en')}`,
      };
      // the dominating threshold's rule names its row, so that its cell holds the threshold alone
      const by = r.suggested_rule_id === null ? null : String(r.suggested_rule_id);
      rowLabels[rowKey(r, 'suggested')] =
        by === null
          ? dominatingRow
          : {
              'zh-CN': `${dominatingRule['zh-CN']}${ruleLabels[by]?.['zh-CN'] ?? by}`,
              en: `${dominatingRule.en}${ruleLabels[by]?.en ?? by}`,
            };
    }
    // the rate and its own numerator / denominator: found / over 30 DPD
    const rate = (p: string) =>
      `format(datum.${p}_detection_rate, '.1%') + ' (' + format(datum.${p}_detected, ',') + '/' + format(datum.rolled, ',') + ')'`;
    // precision as the metric gives it (found ÷ warned); no fraction: its parts are the row's own columns
    const share = (p: string) => `datum.${p}_precision === null ? '–' : format(datum.${p}_precision, '.1%')`;
    const cell = (p: 'current' | 'suggested') =>
      `datum.measure === 'threshold' ? (${p === 'current' ? thresholdText('current_threshold', 'datum.kind', lang) : thresholdText('suggested_threshold', 'datum.suggested_kind', lang)}) : datum.measure === 'detection_rate' ? ${rate(p)} : datum.measure === 'warned' ? format(datum.${p}_warned, ',') : ${share(p)}`;
    return {
      height: Math.max(60, 22 * Object.keys(rowLabels).length),
      transform: [
        { filter: 'datum.level === 30' },
        { calculate: labelExpr('suggested_rule_id', kinds, lang), as: 'suggested_kind' },
        // each row twice, the current threshold's and the dominating one's (suggested_* may be null)
        { fold: ['current_threshold', 'suggested_threshold'], as: ['side_field', 'side_value'] },
        { calculate: "indexof(datum.side_field, 'current') === 0 ? 'current' : 'suggested'", as: 'side' },
        { calculate: "datum.rule_id + '|' + datum.horizon + '|' + datum.side", as: 'row_key' },
        // and each of those once per measure (the current_* fields name the four)
        {
          fold: Object.keys(measureColumns).map((m) => `current_${m}`),
          as: ['measure_field', 'measure_value'],
        },
        { calculate: "replace(datum.measure_field, 'current_', '')", as: 'measure' },
        {
          calculate: `datum.side === 'current' ? (${cell('current')}) : datum.suggested_threshold === null ? (datum.measure === 'threshold' ? ${JSON.stringify(notDominated[lang])} : '') : (${cell('suggested')})`,
          as: 'text',
        },
        { calculate: "datum.side === 'suggested' && datum.suggested_threshold !== null", as: 'is_suggestion' },
      ],
      encoding: {
        x: {
          field: 'measure',
          type: 'ordinal',
          sort: Object.keys(measureColumns),
          title: {
            'zh-CN': '期内逾期超过 30 天；发现率（发现 / 期内逾期超过 30 天）',
            en: 'Over 30 DPD within the horizon; detection (found / over 30 DPD)',
          }[lang],
          axis: {
            orient: 'top',
            labelAngle: 0,
            labelFontSize: 10,
            labelLimit: 160,
            domain: false,
            ticks: false,
            grid: false,
            labelExpr: labelExpr('value', measureColumns, lang).replaceAll('datum["value"]', 'datum.value'),
          },
        },
        y: {
          field: 'row_key',
          type: 'ordinal',
          sort: Object.keys(rowLabels),
          title: { 'zh-CN': '阈值类规则 · 期限', en: 'Threshold rule · horizon' }[lang],
          axis: {
            domain: false,
            ticks: false,
            grid: false,
            labelFontSize: 11,
            labelLimit: 280,
            labelExpr: labelExpr('value', rowLabels, lang).replaceAll('datum["value"]', 'datum.value'),
          },
        },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: {
            color: {
              condition: [
                { test: 'datum.is_suggestion', value: '#fde8c8' },
                { test: "datum.side === 'suggested'", value: '#fafafa' },
              ],
              value: '#f3f3f3',
            },
            tooltip: [
              { field: 'rule_id', type: 'nominal' },
              { field: 'horizon', type: 'ordinal' },
              { field: 'text', type: 'nominal' },
              { field: 'rolled', type: 'quantitative', format: ',' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 10, color: '#1b1b1b' },
          encoding: { text: { field: 'text', type: 'nominal' } },
        },
      ],
    };
  },
});
