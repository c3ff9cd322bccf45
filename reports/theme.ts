import type { Config } from 'vega-lite';

/** One font for every chart: the CJK font the set-up installs carries Latin glyphs too, so PNG, PDF and the browser agree. */
export const chartFont = `'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif`;

export const chartConfig: Config = {
  font: chartFont,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', columns: 6 },
  title: { fontSize: 15, anchor: 'start', offset: 10 },
  range: { category: ['#1f5fa8', '#e4572e', '#29a36a', '#f2a541', '#7b4ea3', '#5bc0be', '#b5446e', '#8c8c8c'] },
};

export const width = 620;
export const height = 260;
