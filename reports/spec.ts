import type { TopLevelSpec } from 'vega-lite';
import { addMonthEnds } from '../lib/dates.ts';
import { labels, moneyAxisLabelExpr, type Lang, type Text } from './i18n.ts';
import type { ChartTemplate, ReportPeriod, Row } from './template.ts';
import { chartConfig, fixedColours, height, ruleColour, subtitleFontSize, width } from './theme.ts';

export const vegaLiteSchema = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The frame every chart shares: schema, title, size, theme and the inline rows. */
export function baseSpec(
  title: Text,
  lang: Lang,
  rows: Row[],
  body: Record<string, unknown>,
  size: { width?: number; height?: number } = {},
): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: title[lang],
    description: title[lang],
    width: size.width ?? width,
    height: size.height ?? height,
    config: chartConfig,
    data: { values: rows },
    ...body,
  } as TopLevelSpec;
}

/** A Vega expression mapping a field's codes to the language's labels (unknown codes pass through). */
export function labelExpr(field: string, map: Record<string, Text>, lang: Lang): string {
  return Object.entries(map).reduceRight(
    (acc, [code, t]) =>
      // compared as text: a code read from the rows may be a number (an IFRS 9 stage)
      `datum[${JSON.stringify(field)}] + '' === ${JSON.stringify(code)} ? ${JSON.stringify(t[lang])} : ${acc}`,
    `datum[${JSON.stringify(field)}] + ''`,
  );
}

/** Several measure columns as (measure, value) rows with a translated label, for one line or bar per measure. */
export const foldMeasures = (map: Record<string, Text>, lang: Lang) => [
  { fold: Object.keys(map), as: ['measure', 'value'] },
  { calculate: labelExpr('measure', map, lang), as: 'measure_label' },
];

export const pctAxis = { format: '.1%' } as const;
/**
 * A money axis: amounts in 万/亿 (or k/M/B). Labels such as "2,400.0亿" are wide, so an axis across
 * the chart (`across`: its length in px) asks for a tick per 80 px — vega's default of one per 40 px
 * and d3's "nice" steps gave 18 labels on 380 px, printed over each other — and any axis hides a
 * label that would still overlap its neighbour.
 */
export const moneyAxis = (lang: Lang, across?: number) => ({
  labelExpr: moneyAxisLabelExpr(lang),
  labelOverlap: true,
  // labels that merely touch count as overlapping too ("−8,000−6,000" read as one number)
  labelSeparation: 6,
  ...(across === undefined ? {} : { tickCount: Math.max(2, Math.floor(across / 80)) }),
});
/** Month-ends as ordered categories labelled YYYY-MM: strings sort by date, and no time zone can shift a month. */
export const monthField = (field: string, title: string) =>
  ({ field, type: 'ordinal', title, axis: { labelExpr: 'substring(datum.value, 0, 7)', labelAngle: -45 } }) as const;

const ym = (d: string) => d.slice(0, 7);
const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));

/**
 * The month-ends of the report's 12 months the data covers: all 12, or in a book's first year
 * from its first month-end (`dataFrom`) — a subtitle must not claim months before the data.
 * `moves`: the monthly moves, which need the month-end before too, so start a month later.
 */
export function covered(p: ReportPeriod, kind: 'stock' | 'moves' = 'stock'): { start: string; months: number } {
  const first = p.dataFrom && p.dataFrom > p.from ? p.dataFrom : p.from;
  const start = kind === 'moves' && p.dataFrom && p.dataFrom >= p.from ? addMonthEnds(p.dataFrom, 1) : first;
  return { start, months: Math.max(0, monthIndex(p.monthEnd) - monthIndex(start) + 1) };
}

/** "the 3 monthly moves ending 2021-08 to 2021-10" / "the monthly move ending 2021-08" / none yet */
function movesText(p: ReportPeriod, lang: Lang, summed: boolean): string {
  const { start, months } = covered(p, 'moves');
  if (months === 0)
    return lang === 'zh-CN'
      ? `尚无月度迁移（数据始于 ${ym(p.dataFrom ?? p.from)}）`
      : `no monthly move yet (the data starts in ${ym(p.dataFrom ?? p.from)})`;
  if (lang === 'zh-CN')
    return `截至 ${months === 1 ? ym(start) : `${ym(start)} 至 ${ym(p.monthEnd)} 各`}月末的 ${months} 次月度迁移${summed ? '合计' : ''}`;
  return months === 1
    ? `the monthly move ending ${ym(start)}`
    : `the ${months} monthly moves ending ${ym(start)} to ${ym(p.monthEnd)}${summed ? ', summed' : ''}`;
}

/** What a chart shows, by kind of figure over the report's 12 months (warehouse/metrics/window.ts), as far as the data goes. */
export const shown = {
  /** stock figures at the 12 month-ends (fewer in the data's first year) */
  monthEnds: (p: ReportPeriod, lang: Lang) => {
    const { start, months } = covered(p);
    if (months === 1) return shown.monthEnd(p, lang);
    return lang === 'zh-CN'
      ? `${ym(start)} 至 ${ym(p.monthEnd)} 共 ${months} 个月末`
      : `${months} month-ends ${ym(start)} to ${ym(p.monthEnd)}`;
  },
  /** monthly moves, by the month they end in */
  moves: (p: ReportPeriod, lang: Lang) => movesText(p, lang, false),
  /** the moves of the 12 months summed */
  movesSummed: (p: ReportPeriod, lang: Lang) => movesText(p, lang, true),
  /** from the opening month-end of the 12 months to the closing one (no earlier than the data's first) */
  opening: (p: ReportPeriod, lang: Lang) => {
    const opening = addMonthEnds(p.from, -1);
    const open = p.dataFrom && p.dataFrom > opening ? p.dataFrom : opening;
    return lang === 'zh-CN' ? `期初 ${open} 至期末 ${p.monthEnd}` : `from ${open} to ${p.monthEnd}`;
  },
  /** one month-end */
  monthEnd: (p: ReportPeriod, lang: Lang) =>
    lang === 'zh-CN' ? `${ym(p.monthEnd)} 月末` : `month-end ${ym(p.monthEnd)}`,
};

export const units = {
  money: { 'zh-CN': '单位：元', en: 'unit: CNY' },
  pct: { 'zh-CN': '单位：%', en: 'unit: %' },
  moneyPct: { 'zh-CN': '金额单位：元；比率：%', en: 'amounts in CNY; ratios in %' },
  loans: { 'zh-CN': '单位：笔', en: 'unit: loans' },
  warnings: { 'zh-CN': '单位：条', en: 'unit: warnings' },
  psi: { 'zh-CN': 'PSI、AUC 为无量纲指标', en: 'PSI and AUC: plain numbers' },
} as const satisfies Record<string, Text>;

const asOfText = (p: ReportPeriod, lang: Lang) =>
  lang === 'zh-CN' ? `数据截至 ${p.monthEnd}` : `data as of ${p.monthEnd}`;

/** The line under a chart's title: what it shows (its period), the data's as-of date and the unit. */
export const chartSubtitle = (t: ChartTemplate, p: ReportPeriod, lang: Lang, rows?: Row[]) =>
  [t.shows(p, lang, rows), asOfText(p, lang), t.unit[lang]].join(' · ');

/**
 * The subtitle as drawn: one line, or two where one would run past the chart — what it shows, then
 * the as-of date and the unit. A mid-quarter recovery or vintage subtitle (the quarter left out)
 * ran 100 px beyond the chart and widened its image past the others of the pack. The estimate
 * (ems) is on the wide side, and the y axis's labels give the line about 40 px beyond the view.
 */
export function chartSubtitleLines(
  t: ChartTemplate,
  p: ReportPeriod,
  lang: Lang,
  viewWidth: number,
  /** whether the chart draws its data (a y axis beside the view); a "no data" chart has no axis to give room */
  drawn = true,
  rows?: Row[],
): string[] {
  const line = chartSubtitle(t, p, lang, rows);
  if (ems(line) * subtitleFontSize <= viewWidth + (drawn ? 40 : 0)) return [line];
  return [t.shows(p, lang, rows), [asOfText(p, lang), t.unit[lang]].join(' · ')];
}

/** Width of a line of text in ems, near enough to wrap a footnote: CJK characters are one em, others about half. */
const ems = (s: string) => (s.match(/./gsu) ?? []).reduce((n, ch) => n + (/[\u2e80-\uffef]/u.test(ch) ? 1 : 0.55), 0);

/** A note wrapped into lines of at most `maxEms` (at spaces for Latin text, anywhere in CJK text). */
export function wrapText(text: string, maxEms: number): string[] {
  const lines: string[] = [];
  let line = '';
  // a token: a run of non-space Latin characters with its trailing space, or one CJK character
  for (const token of text.match(/[\u2e80-\uffef]|[^\s\u2e80-\uffef]+\s*|\s+/gu) ?? []) {
    if (line && ems(line + token.trimEnd()) > maxEms) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else line += token;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

const footnoteSize = 10;

/**
 * A template's full Vega-Lite spec for rows, a language and the report period. The chart carries,
 * inside the SVG/PNG, its title, a subtitle with the period it shows, the as-of date and the unit,
 * and the note as a footnote: a standalone PNG explains itself. A chart without rows (or whose
 * rows have nothing to show, `hasData`) says so.
 */
export function chartSpec(t: ChartTemplate, rows: Row[], lang: Lang, p: ReportPeriod): TopLevelSpec {
  const w = t.size?.width ?? width;
  const drawn = rows.length > 0 && (t.hasData?.(rows) ?? true);
  const body = drawn
    ? { width: w, height: t.size?.height ?? height, ...t.body(rows, lang) }
    : {
        width: w,
        height: 80,
        data: { values: [{ text: labels.no_data[lang] }] },
        mark: { type: 'text', fontSize: 16, color: '#8c8c8c' },
        encoding: { text: { field: 'text', type: 'nominal' } },
      };
  // the footnote: an empty view titled at its bottom (Vega-Lite has no footer)
  const footnoteView: Record<string, unknown> = {
    width: w,
    height: 1,
    data: { values: [] },
    mark: 'point',
    title: {
      text: wrapText(t.note[lang], w / footnoteSize - 2),
      orient: 'bottom',
      anchor: 'start',
      fontSize: footnoteSize,
      fontWeight: 'normal',
      color: '#555555',
      offset: 4,
    },
  };
  return {
    $schema: vegaLiteSchema,
    title: { text: t.title[lang], subtitle: chartSubtitleLines(t, p, lang, w, drawn, rows) },
    // the chart's name for a screen reader, in the pack's language (render/svg.ts puts it on the SVG)
    description: `${t.title[lang]} · ${chartSubtitle(t, p, lang, rows)}`,
    config: chartConfig,
    data: { values: rows },
    vconcat: [body, footnoteView],
  } as TopLevelSpec;
}

/** The chart's own view in a spec chartSpec made (the first of its vconcat). */
export const chartView = (spec: TopLevelSpec): Record<string, unknown> =>
  (spec as unknown as { vconcat: Record<string, unknown>[] }).vconcat[0]!;

/** A colour channel on a code field, with a colour fixed per code and the legend in the language. */
export function codeColour(
  field: string,
  codes: readonly string[],
  map: Record<string, Text>,
  lang: Lang,
  title: string,
) {
  return {
    field,
    type: 'nominal',
    title,
    sort: [...codes],
    scale: fixedColours(codes),
    legend: { labelExpr: labelExpr('value', map, lang).replaceAll('datum["value"]', 'datum.value') },
  } as const;
}

/**
 * A y scale that holds `low` … `high` as well as the data: a limit's rule stays in view when every
 * month is far from it, and a month far beyond it stays on the axis. It goes on the data's own y
 * encoding: Vega-Lite takes an explicit domain on one layer over the others' data, so a domain on
 * the rule's layer alone cut the axis at the limit (a coverage of 531 % ran off an axis ending at
 * 180 %).
 */
export const keepInView = (high: number, low = 0) => ({ scale: { domain: { unionWith: [low, high] } } }) as const;

/**
 * A line with a point per value whose y scale also holds `low` … `high` (`keepInView`): two layers,
 * the domain on the line's alone — a line mark's own `point` would repeat it on a second layer, and
 * Vega-Lite warns about two explicit domains even when they are the same.
 */
export function lineInView(
  o: { colour: string; pointColour?: string; encoding: { y: Record<string, unknown> } & Record<string, unknown> },
  high: number,
  low = 0,
) {
  return [
    {
      mark: { type: 'line', color: o.colour },
      encoding: { ...o.encoding, y: { ...o.encoding.y, ...keepInView(high, low) } },
    },
    { mark: { type: 'point', filled: true, opacity: 1, color: o.pointColour ?? o.colour }, encoding: o.encoding },
  ];
}

/**
 * A dashed horizontal rule at `y` with its label at the right end: a regulatory limit or a band
 * edge. To keep it in view whatever the data, give the data's y encoding `keepInView`.
 */
export const ruleAt = (y: number, label: string) => [
  {
    // one datum: drawn once, not once per row of the chart's data
    data: { values: [{}] },
    mark: { type: 'rule', color: ruleColour, strokeDash: [6, 4], strokeWidth: 1.5 },
    // across the whole width: the x value replaces the month field the chart's layers share
    encoding: { x: { value: 0 }, x2: { value: 'width' }, y: { datum: y } },
  },
  {
    data: { values: [{}] },
    mark: { type: 'text', color: ruleColour, align: 'right', baseline: 'bottom', dy: -2, fontSize: 11 },
    encoding: { x: { value: 'width' }, y: { datum: y }, text: { value: label } },
  },
];

/**
 * One line per series of a rate over month-ends (overdue ratios, flow and cure rates, provision
 * coverage): the body most trend charts share. `sort` fixes the legend order.
 */
export function rateLines(
  lang: Lang,
  o: {
    month: string;
    rate: string;
    /** the series' code field: its colour is fixed by code */
    series: string;
    seriesTitle: string;
    /** the codes in legend order, and their labels in the language */
    codes: readonly string[];
    labels: Record<string, Text>;
    transform?: unknown[];
  },
) {
  return {
    ...(o.transform ? { transform: o.transform } : {}),
    mark: { type: 'line', point: true },
    encoding: {
      x: monthField(o.month, labels.month_end[lang]),
      y: { field: o.rate, type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
      color: codeColour(o.series, o.codes, o.labels, lang, o.seriesTitle),
      tooltip: [
        { field: o.month, type: 'nominal' },
        { field: o.series, type: 'nominal' },
        { field: o.rate, type: 'quantitative', format: '.2%' },
      ],
    },
  };
}
