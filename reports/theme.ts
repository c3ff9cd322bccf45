import type { Config } from 'vega-lite';

/** One font for every chart: the CJK font the set-up installs carries Latin glyphs too, so PNG, PDF and the browser agree. */
export const chartFont = `'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif`;

/** the subtitle's size, also what spec.ts wraps a long subtitle by */
export const subtitleFontSize = 11;

export const chartConfig: Config = {
  font: chartFont,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', columns: 6 },
  title: { fontSize: 15, anchor: 'start', offset: 10, subtitleFontSize, subtitleColor: '#555555' },
  range: { category: ['#1f5fa8', '#e4572e', '#29a36a', '#f2a541', '#7b4ea3', '#5bc0be', '#b5446e', '#8c8c8c'] },
};

export const width = 620;
export const height = 260;

/** Threshold rules (regulatory limits, PSI bands): one colour, dashed, so a reader tells them from data. */
export const ruleColour = '#c0392b';
/** Series that are context, not the point of the chart (older vintage cohorts). */
export const contextGrey = '#c8c8c8';

/**
 * Every series' colour, keyed by its code (never its translated label): a series keeps its colour
 * whatever the language and whichever other series a chart happens to show.
 */
export const seriesColours: Record<string, string> = {
  // delinquency buckets (and the flow from each)
  C: '#1f5fa8',
  M1: '#e4572e',
  M2: '#29a36a',
  M3: '#f2a541',
  M4: '#7b4ea3',
  M5: '#5bc0be',
  M6: '#b5446e',
  'M7+': '#5c2a3d',
  PO: '#8c8c8c',
  WO: '#333333',
  // five-category classes and where a class ends up
  normal: '#29a36a',
  special_mention: '#f2a541',
  substandard: '#e4572e',
  doubtful: '#b5446e',
  loss: '#5c2a3d',
  paid_off: '#8c8c8c',
  charged_off: '#333333',
  // IFRS 9 stages
  '1': '#29a36a',
  '2': '#f2a541',
  '3': '#e4572e',
  // portfolio ratios
  overdue_ratio: '#1f5fa8',
  par30: '#f2a541',
  par90: '#e4572e',
  npl_ratio: '#5c2a3d',
  special_mention_ratio: '#f2a541',
  m3plus_ratio: '#e4572e',
  m4plus_ratio: '#5c2a3d',
  // collection rates
  contact_rate: '#1f5fa8',
  promise_to_pay_rate: '#5bc0be',
  promise_kept_rate: '#29a36a',
  cure_rate: '#f2a541',
  // warning severities
  info: '#8c8c8c',
  warning: '#f2a541',
  critical: '#e4572e',
  // ECL walk: totals, increases, decreases
  total: '#1f5fa8',
  increase: '#e4572e',
  decrease: '#29a36a',
};

/** Colours of the most recent cohorts (newest first) where older ones are grey context. */
export const recentColours = ['#e4572e', '#1f5fa8', '#29a36a', '#7b4ea3'];

/** A colour scale fixed by code: domain = the codes in order, range = their colours. */
export const fixedColours = (codes: readonly string[]) => ({
  domain: [...codes],
  range: codes.map((c) => seriesColours[c] ?? '#8c8c8c'),
});
