import type { Lang, Text } from './i18n.ts';

export const packs = ['management', 'regulatory'] as const;
export type Pack = (typeof packs)[number];
export type Row = Record<string, string | number | null>;

/** The month a pack reports on: its month-end and the first month-end of the 12-month window ending there. */
export interface ReportPeriod {
  period: string;
  monthEnd: string;
  from: string;
}

/** Report datasets besides the declared metrics (each computed in warehouse/ or models/, never in a template). */
export const datasetNames = [
  'forecast',
  'ecl',
  'provision_coverage',
  'score_distribution',
  'monitoring',
  'warnings_summary',
] as const;
export type DatasetName = (typeof datasetNames)[number];

/** Where a chart's rows come from: a metric of the metrics layer with a request, or a named report dataset. */
export type DataRequest = { metric: string; request: Record<string, unknown> } | { dataset: DatasetName };

/**
 * One chart: where its data comes from, and a pure function from those rows and a language to the
 * body of a Vega-Lite spec (mark, encoding, transforms: labels and formats only, no arithmetic on
 * the numbers). chartSpec() frames it with the title, size, theme and data.
 */
export interface ChartTemplate {
  id: string;
  pack: Pack;
  title: Text;
  /** what the chart shows and what each ratio divides by, under the chart */
  note: Text;
  data(p: ReportPeriod): DataRequest;
  body(rows: Row[], lang: Lang): Record<string, unknown>;
  size?: { width?: number; height?: number };
}

export const defineChart = <T extends ChartTemplate>(t: T) => t;
