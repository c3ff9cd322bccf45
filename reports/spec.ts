import type { TopLevelSpec } from 'vega-lite';
import { labels, moneyLabelExpr, type Lang, type Text } from './i18n.ts';
import type { ChartTemplate, Row } from './template.ts';
import { chartConfig, height, width } from './theme.ts';

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
      `datum[${JSON.stringify(field)}] === ${JSON.stringify(code)} ? ${JSON.stringify(t[lang])} : ${acc}`,
    `datum[${JSON.stringify(field)}] + ''`,
  );
}

/** Several measure columns as (measure, value) rows with a translated label, for one line or bar per measure. */
export const foldMeasures = (map: Record<string, Text>, lang: Lang) => [
  { fold: Object.keys(map), as: ['measure', 'value'] },
  { calculate: labelExpr('measure', map, lang), as: 'measure_label' },
];

export const pctAxis = { format: '.1%' } as const;
export const moneyAxis = (lang: Lang) => ({ labelExpr: moneyLabelExpr(lang) });
/** Month-ends as ordered categories labelled YYYY-MM: strings sort by date, and no time zone can shift a month. */
export const monthField = (field: string, title: string) =>
  ({ field, type: 'ordinal', title, axis: { labelExpr: 'substring(datum.value, 0, 7)', labelAngle: -45 } }) as const;

/** A template's full Vega-Lite spec for rows and a language. */
export const chartSpec = (t: ChartTemplate, rows: Row[], lang: Lang): TopLevelSpec =>
  baseSpec(t.title, lang, rows, t.body(rows, lang), t.size);

/**
 * One line per series of a rate over month-ends (overdue ratios, flow and cure rates, provision
 * coverage): the body most trend charts share. `sort` fixes the legend order.
 */
export function rateLines(
  lang: Lang,
  o: { month: string; rate: string; series: string; seriesTitle: string; transform?: unknown[]; sort?: string[] },
) {
  return {
    ...(o.transform ? { transform: o.transform } : {}),
    mark: { type: 'line', point: true },
    encoding: {
      x: monthField(o.month, labels.month_end[lang]),
      y: { field: o.rate, type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, ...(o.sort ? { sort: o.sort } : {}) },
      tooltip: [
        { field: o.month, type: 'nominal' },
        { field: o.series, type: 'nominal' },
        { field: o.rate, type: 'quantitative', format: '.2%' },
      ],
    },
  };
}
