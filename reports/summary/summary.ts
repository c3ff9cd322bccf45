import { csvTable } from '../../warehouse/csv-cell.ts';
import { csvValue, type MetricValueType } from '../../warehouse/metrics/column-values.ts';
import type { Lang, Text } from '../i18n.ts';
import type { Pack, ReportSegment } from '../template.ts';
import type { BreakdownData, BreakdownDim, BreakdownRow, Pair } from './breakdown.ts';
import { comparisons, type Comparison, type SummaryData } from './compute.ts';
import { sections, type SectionId, type Unit } from './figures.ts';
import { formatChange, formatLimit, formatRelative, formatValue, none } from './format.ts';
import { statusOf, type Limit, type Status, type Thresholds } from './thresholds.ts';
import { commentary } from './commentary.ts';
import { amountsIn, defaultCurrency } from './currency.ts';
import { methodNote } from './method-notes.ts';
import { segmentName, segmentText } from './segments.ts';

/** The key figures in a language: what summary.json holds (summary.csv is its figures, the same values). */
export interface SummaryFigure {
  section: SectionId;
  id: string;
  label: string;
  unit: Unit;
  value: number | null;
  previous_month: number | null;
  change_on_month: number | null;
  year_start: number | null;
  change_on_year_start: number | null;
  same_month_last_year: number | null;
  change_on_year: number | null;
  /** the limit as text in the pack's language ('' without one) */
  threshold: string;
  status: Status;
  /** money figures: change on the month over last month's value */
  relative_change_on_month: number | null;
  limit: Limit | null;
  /** bank-wide: the pack's segment could not be applied to this figure's metric */
  whole_bank: boolean;
  /** shown on the cover */
  key: boolean;
  /** every number above as the pack writes it (the tables and the commentary use these) */
  display: Record<
    | Comparison
    | 'change_on_month'
    | 'change_on_year_start'
    | 'change_on_year'
    | 'relative_change_on_month'
    | 'limit'
    | 'amber',
    string
  >;
}

export interface BreakdownDisplayRow {
  /** the metric's value (product, region or branch code; '' for the total) */
  segment: string;
  /** its name in the pack's language */
  segment_label: string;
  rank: number | null;
  balance: Pair;
  m1plus_ratio: Pair;
  npl_balance: Pair;
  npl_ratio: Pair;
  mix_effect: number | null;
  rate_effect: number | null;
  contribution: number | null;
  share_of_npl_change: number | null;
  display: Record<string, string>;
}
export interface SummaryBreakdown {
  dim: BreakdownDim;
  label: string;
  rows: BreakdownDisplayRow[];
  total: BreakdownDisplayRow;
}

export interface Summary {
  pack: Pack;
  lang: Lang;
  period: string;
  month_end: string;
  segment: ReportSegment;
  /** the segment in words (`全行` / `Whole book` when none) */
  segment_label: string;
  months: Record<Comparison, string>;
  sections: Record<string, string>;
  figures: SummaryFigure[];
  commentary: string[];
  breakdowns: SummaryBreakdown[];
  /** what a reader must know: missing comparisons, bank-wide figures, the methods */
  notes: string[];
  /** the unit of every amount, said once on the cover and over the key figures (金额单位：元 / Amounts in CNY) */
  money_unit?: string;
  /** the currency codes the amounts are in (currency.ts; one unless the book mixes them) */
  currencies?: string[];
  thresholds_file: string;
}

export const summaryText = {
  summary: { 'zh-CN': '关键指标', en: 'Key figures' },
  commentary: { 'zh-CN': '本月要点', en: 'What changed' },
  figure: { 'zh-CN': '指标', en: 'Figure' },
  value: { 'zh-CN': '本期', en: 'This month' },
  previous_month: { 'zh-CN': '上月', en: 'Last month' },
  on_month: { 'zh-CN': '较上月', en: 'on month' },
  year_start: { 'zh-CN': '年初', en: 'Year start' },
  same_month_last_year: { 'zh-CN': '去年同期', en: 'A year ago' },
  change: { 'zh-CN': '变动', en: 'Change' },
  threshold: { 'zh-CN': '限额', en: 'Limit' },
  status: { 'zh-CN': '状态', en: 'Status' },
  red: { 'zh-CN': '超限', en: 'breach' },
  amber: { 'zh-CN': '预警', en: 'watch' },
  green: { 'zh-CN': '正常', en: 'within' },
  total: { 'zh-CN': '合计', en: 'Total' },
  segment: { 'zh-CN': '分部', en: 'Segment' },
  balance: { 'zh-CN': '余额', en: 'Balance' },
  m1plus_ratio: { 'zh-CN': '逾期率（M1+）', en: 'M1+ ratio' },
  npl_balance: { 'zh-CN': '不良余额', en: 'NPL balance' },
  npl_ratio: { 'zh-CN': '不良率', en: 'NPL ratio' },
  contribution: { 'zh-CN': '对不良率变动的贡献', en: 'Contribution to the NPL-ratio change' },
  mix_effect: { 'zh-CN': '结构效应', en: 'mix' },
  rate_effect: { 'zh-CN': '比率效应', en: 'rate' },
  share_of_npl_change: { 'zh-CN': '占不良变动', en: 'Share of ΔNPL' },
  breakdown: {
    'zh-CN': '分部明细（按对本月不良率变动的贡献排序）',
    en: "Breakdowns (ranked by contribution to the month's NPL-ratio change)",
  },
  segment_all: { 'zh-CN': '全行', en: 'Whole book' },
  as_of: { 'zh-CN': '数据截至', en: 'Data as of' },
  period: { 'zh-CN': '报告期', en: 'Period' },
  segment_label: { 'zh-CN': '范围', en: 'Segment' },
} as const satisfies Record<string, Text>;

export const dimLabels: Record<BreakdownDim, Text> = {
  product: { 'zh-CN': '按产品', en: 'By product' },
  region: { 'zh-CN': '按区域', en: 'By region' },
  branch: { 'zh-CN': '按分行', en: 'By branch' },
};

const diffOf = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);
/** a change of money to the cent (the values are exact decimals; their difference in floating point is not) */
const moneyDiff = (a: number | null, b: number | null) => {
  const d = diffOf(a, b);
  return d === null ? null : Math.round(d * 100) / 100;
};

function figureIn(d: SummaryData['figures'][number], pack: Pack, lang: Lang, thresholds: Thresholds): SummaryFigure {
  const { def, values: v } = d;
  const limit = thresholds.limits[def.id];
  const diff = def.unit === 'money' ? moneyDiff : diffOf;
  const f = {
    section: def.section,
    id: def.id,
    label: def.label[lang],
    unit: def.unit,
    value: v.value,
    previous_month: v.previous_month,
    change_on_month: diff(v.value, v.previous_month),
    year_start: def.flow ? null : v.year_start,
    change_on_year_start: def.flow ? null : diff(v.value, v.year_start),
    same_month_last_year: v.same_month_last_year,
    change_on_year: diff(v.value, v.same_month_last_year),
    threshold: formatLimit(def.unit, lang, limit),
    status: statusOf(v.value, limit),
    relative_change_on_month:
      def.unit === 'money' && v.value !== null && v.previous_month ? v.value / v.previous_month - 1 : null,
    limit: limit ?? null,
    whole_bank: d.wholeBank,
    key: def.key?.[pack] === true,
  };
  const val = (x: number | null) => formatValue(def.unit, lang, x);
  const chg = (x: number | null) => formatChange(def.unit, lang, x);
  return {
    ...f,
    display: {
      value: val(f.value),
      previous_month: val(f.previous_month),
      year_start: val(f.year_start),
      same_month_last_year: val(f.same_month_last_year),
      change_on_month: chg(f.change_on_month),
      change_on_year_start: chg(f.change_on_year_start),
      change_on_year: chg(f.change_on_year),
      relative_change_on_month: f.relative_change_on_month === null ? '' : formatRelative(f.relative_change_on_month),
      limit: limit ? val(limit.min ?? limit.max ?? null) : '',
      amber: limit?.amber !== undefined ? val(limit.amber) : '',
    },
  };
}

function breakdownRowIn(
  r: Omit<BreakdownRow, 'rank' | 'segment' | 'share_of_npl_change'> & Partial<BreakdownRow>,
  segment: string,
  label: string,
  lang: Lang,
): BreakdownDisplayRow {
  const money = (x: number | null) => formatValue('money', lang, x);
  const pct = (x: number | null) => formatValue('pct', lang, x);
  const dm = (x: number | null) => formatChange('money', lang, x);
  const pp = (x: number | null) => formatChange('pct', lang, x);
  return {
    segment,
    segment_label: label,
    rank: r.rank ?? null,
    balance: r.balance,
    m1plus_ratio: r.m1plus_ratio,
    npl_balance: r.npl_balance,
    npl_ratio: r.npl_ratio,
    mix_effect: r.mix_effect,
    rate_effect: r.rate_effect,
    contribution: r.contribution,
    share_of_npl_change: r.share_of_npl_change ?? null,
    display: {
      balance: money(r.balance.value),
      balance_change: dm(r.balance.change),
      m1plus_ratio: pct(r.m1plus_ratio.value),
      m1plus_ratio_change: pp(r.m1plus_ratio.change),
      npl_balance: money(r.npl_balance.value),
      npl_balance_change: dm(r.npl_balance.change),
      npl_ratio: pct(r.npl_ratio.value),
      npl_ratio_change: pp(r.npl_ratio.change),
      mix_effect: pp(r.mix_effect),
      rate_effect: pp(r.rate_effect),
      contribution: pp(r.contribution),
      share_of_npl_change: r.share_of_npl_change === undefined ? '' : formatRelativeShare(r.share_of_npl_change),
    },
  };
}
/** a share of a change: can exceed 100 % or be negative (segments moving against the book) */
const formatRelativeShare = (x: number | null) => (x === null ? none : `${(100 * x).toFixed(1)}%`);

const monthNote = (lang: Lang, c: Comparison, month: string) =>
  lang === 'zh-CN'
    ? `${summaryText[c][lang]}（${month}）：本书无该月数据，相应列留空。`
    : `${summaryText[c][lang]} (${month}): the data has no such month-end; those columns are empty.`;

/** The summary in a language: labels, formatted numbers, statuses, commentary and notes. */
export function summaryIn(data: SummaryData, lang: Lang, thresholds: Thresholds, thresholdsFile: string): Summary {
  const figures = data.figures.map((d) => figureIn(d, data.pack, lang, thresholds));
  const breakdowns = data.breakdowns.map((b: BreakdownData): SummaryBreakdown => ({
    dim: b.dim,
    label: dimLabels[b.dim][lang],
    rows: b.rows.map((r) => breakdownRowIn(r, r.segment, segmentName(b.dim, r.segment, lang), lang)),
    total: breakdownRowIn(b.total, '', summaryText.total[lang], lang),
  }));
  const notes: string[] = [];
  for (const c of comparisons.slice(1))
    if (figures.every((f) => f[c] === null)) notes.push(monthNote(lang, c, data.months[c]));
  if (figures.some((f) => comparisons.some((c) => f[c] === null)))
    notes.push(
      lang === 'zh-CN'
        ? '“—”：该月无此数据（如拨备只载入了部分月份、预警只在运行过的月末有记录）。'
        : '“—”: no data for that month-end (e.g. provisions loaded for some months only, warnings kept only for month-ends they were run at).',
    );
  const wholeBank = figures.filter((f) => f.whole_bank).map((f) => f.label);
  if (wholeBank.length > 0)
    notes.push(
      lang === 'zh-CN'
        ? `全行口径（不按所选范围拆分）：${wholeBank.join('、')}。`
        : `Whole bank (not cut by the segment): ${wholeBank.join(', ')}.`,
    );
  notes.push(
    methodNote(
      figures.map((f) => f.id),
      data.months.year_start,
      lang,
    ),
  );
  if (breakdowns.length > 0)
    notes.push(
      lang === 'zh-CN'
        ? '分部贡献：不良率变动 = Σ 结构效应（余额占比变动 × 两期不良率均值）+ 比率效应（不良率变动 × 两期余额占比均值），各分部之和即全行变动。'
        : "Segment contribution: the NPL-ratio change = Σ mix effect (change in balance share × mean NPL ratio of the two months) + rate effect (change in NPL ratio × mean balance share); the segments add up to the book's change.",
    );
  const base = {
    pack: data.pack,
    lang,
    period: data.period.period,
    month_end: data.period.monthEnd,
    segment: data.period.segment,
    segment_label: segmentText(data.period.segment, lang),
    months: data.months,
    sections: Object.fromEntries(Object.entries(sections).map(([k, t]) => [k, t[lang]])),
    figures,
    breakdowns,
    notes,
    money_unit: amountsIn(data.currencies ?? [], lang),
    currencies: data.currencies ?? [defaultCurrency],
    thresholds_file: thresholdsFile,
  };
  return { ...base, commentary: commentary({ ...base, commentary: [] }) };
}

/** a figure's numbers: the columns summary.csv writes in the metrics CSV's format */
const summaryNumberColumns = [
  'value',
  'previous_month',
  'change_on_month',
  'year_start',
  'change_on_year_start',
  'same_month_last_year',
  'change_on_year',
] as const;

export const summaryCsvColumns = [
  'section',
  'id',
  'label',
  'unit',
  'currency',
  ...summaryNumberColumns,
  'threshold',
  'status',
] as const;

/**
 * The pack's CSVs for people with a spreadsheet (summary.csv, breakdown-*.csv, labels in the pack's
 * language) start with a UTF-8 byte-order mark: without it Excel on Windows reads the file as the
 * local code page and shows 贷款余额 as mojibake. The chart CSVs (codes, for machines) have none.
 */
export const csvBom = '\uFEFF';

/** a figure's unit → how the metrics CSV writes such a value: money to the fen, fractions to 6 decimals */
const unitValueType: Record<Unit, MetricValueType> = { money: 'money', pct: 'ratio', count: 'count', number: 'number' };

/**
 * A money figure's currency cell: a sheet is often copied away from the pack's pages (which say
 * the unit once), so each amount names its own. A book in several currencies is summed unconverted
 * (currency.ts), which `CNY+USD` says where one code would claim a conversion that never happened.
 */
export const summaryCurrency = (currencies: readonly string[]) =>
  (currencies.length > 0 ? currencies : [defaultCurrency]).join('+');

/**
 * summary.csv: one line per figure, summary.json's numbers as the metrics CSV writes them (ratios as
 * fractions to 6 decimals, money to 2), not a float's 17 digits
 */
export const summaryCsv = (s: Summary) =>
  csvBom +
  csvTable(
    summaryCsvColumns,
    s.figures.map((f) => {
      const format = csvValue[unitValueType[f.unit]];
      const out: Record<string, unknown> = {
        ...f,
        currency: f.unit === 'money' ? summaryCurrency(s.currencies ?? []) : null,
      };
      for (const c of summaryNumberColumns) {
        const v = f[c];
        out[c] = v === null ? null : format(v);
      }
      return out;
    }),
  );

export const breakdownCsvColumns = [
  'rank',
  'segment',
  'segment_label',
  'currency',
  'balance',
  'balance_previous_month',
  'change_in_balance',
  'm1plus_ratio',
  'm1plus_ratio_previous_month',
  'change_in_m1plus_ratio',
  'npl_balance',
  'npl_balance_previous_month',
  'change_in_npl_balance',
  'npl_ratio',
  'npl_ratio_previous_month',
  'change_in_npl_ratio',
  'mix_effect',
  'rate_effect',
  'contribution_to_npl_ratio_change',
  'share_of_npl_balance_change',
] as const;

const money = (v: number | null) => (v === null ? null : csvValue.money(v));
const ratio = (v: number | null) => (v === null ? null : csvValue.ratio(v));
/** balances to the fen; ratios, effects and shares (fractions) to 6 decimals, as the metrics CSV */
const flat = (r: BreakdownDisplayRow, currency: string) => ({
  rank: r.rank,
  segment: r.segment,
  segment_label: r.segment_label,
  currency,
  balance: money(r.balance.value),
  balance_previous_month: money(r.balance.previous_month),
  change_in_balance: money(r.balance.change),
  m1plus_ratio: ratio(r.m1plus_ratio.value),
  m1plus_ratio_previous_month: ratio(r.m1plus_ratio.previous_month),
  change_in_m1plus_ratio: ratio(r.m1plus_ratio.change),
  npl_balance: money(r.npl_balance.value),
  npl_balance_previous_month: money(r.npl_balance.previous_month),
  change_in_npl_balance: money(r.npl_balance.change),
  npl_ratio: ratio(r.npl_ratio.value),
  npl_ratio_previous_month: ratio(r.npl_ratio.previous_month),
  change_in_npl_ratio: ratio(r.npl_ratio.change),
  mix_effect: ratio(r.mix_effect),
  rate_effect: ratio(r.rate_effect),
  contribution_to_npl_ratio_change: ratio(r.contribution),
  share_of_npl_balance_change: ratio(r.share_of_npl_change),
});

/**
 * breakdown-<dim>.csv: the segments ranked, then the total (no rank); a BOM first, as summary.csv.
 * Every line has balances, so every line names their currency, as summary.csv's money lines do.
 */
export const breakdownCsv = (b: SummaryBreakdown, currencies: readonly string[]) => {
  const currency = summaryCurrency(currencies);
  return (
    csvBom +
    csvTable(
      breakdownCsvColumns,
      [...b.rows, b.total].map((r) => flat(r, currency)),
    )
  );
};
