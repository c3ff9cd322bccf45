import type { MetricName } from '../warehouse/metrics/index.ts';
import type { MetricRequestInput } from '../warehouse/metrics/request.ts';
import type { Lang, Text } from './i18n.ts';

export const packs = ['management', 'regulatory'] as const;
export type Pack = (typeof packs)[number];
export type Row = Record<string, string | number | null>;

/** The segment a pack is for (all loans when empty): each list is an IN filter of the metrics that take it. */
export interface ReportSegment {
  product?: string[];
  region?: string[];
  branch?: string[];
}

/**
 * The month a pack reports on: its month-end, the first month-end of the 12-month window ending
 * there, and the segment.
 */
export interface ReportPeriod {
  period: string;
  monthEnd: string;
  from: string;
  segment: ReportSegment;
  /**
   * The data's first month-end (the snapshot's), when the book starts inside the 12 months: what
   * the charts and the pack say they cover. The requests keep `from` (no row before the data).
   */
  dataFrom?: string;
  /** the snapshot's settings label at the month-end (grace days, DPD convention, buckets): the pack names them */
  dpdSettings?: string;
}

/** Where a chart's rows come from: a metric of the catalogue with a request (the report's period filled in). */
export interface DataRequest {
  metric: MetricName;
  request: MetricRequestInput;
}

/**
 * One chart: where its data comes from, and a pure function from those rows and a language to the
 * body of a Vega-Lite spec (mark, encoding, transforms: labels and formats only, no arithmetic on
 * the numbers). chartSpec() frames it with the title, the period, as-of date and unit, the note as
 * a footnote, size, theme and data.
 */
export interface ChartTemplate {
  id: string;
  pack: Pack;
  title: Text;
  /** what the chart shows and what each ratio divides by, under the chart (its footnote) */
  note: Text;
  /** the unit of its numbers (元, %, loans), in the subtitle */
  unit: Text;
  /**
   * exactly which months it shows for a period (e.g. the 12 month-ends 2023-07 to 2024-06), in the
   * subtitle; `rows`, the chart's data when it is drawn, for a chart whose months its rows decide
   */
  shows(p: ReportPeriod, lang: Lang, rows?: Row[]): string;
  data(p: ReportPeriod): DataRequest;
  body(rows: Row[], lang: Lang): Record<string, unknown>;
  /**
   * Whether the rows have anything to show, when having rows is not enough: a metric that answers
   * a row per subject with zero counts (no warning fired, no model to grade) has nothing to draw.
   * Without it, any row is data. Either way the chart's CSV holds the rows as they are.
   */
  hasData?(rows: Row[]): boolean;
  size?: { width?: number; height?: number };
}

export const defineChart = <T extends ChartTemplate>(t: T) => t;
