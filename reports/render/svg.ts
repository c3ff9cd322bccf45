import type { TopLevelSpec } from 'vega-lite';
import type { View } from 'vega';
import { chartFont } from '../theme.ts';
import { registerCjkFace } from './canvas-font.ts';

/**
 * vega and vega-lite, loaded on first use, not at import: they are over half a second of every CLI
 * command's start otherwise. A pack calls this first, so the loading runs while the engine reads
 * the first chart's data instead of after it.
 */
export const chartModules = () => Promise.all([import('vega'), import('vega-lite')]);

/**
 * Vega-Lite → a headless Vega view, laid out. With `canvas` (@napi-rs/canvas) installed vega
 * measures text with the real font, so Chinese labels get their true width instead of a Latin
 * estimate. The font file's own family goes first in the chart's font list: vega measures with that
 * name, the PNG is drawn with it, and a browser without it falls back to the usual list. The caller
 * finalizes the view.
 */
export async function chartView(spec: TopLevelSpec, fontFile?: string): Promise<View> {
  let withFont = spec;
  if (fontFile) {
    const family = registerCjkFace(fontFile);
    withFont = { ...spec, config: { ...spec.config, font: `'${family}', ${chartFont}` } };
  }
  const [vega, { compile }] = await chartModules();
  const view = new vega.View(vega.parse(compile(withFont).spec), { renderer: 'none' });
  return view.runAsync();
}

/** Vega-Lite → SVG, headless (chartView). */
export async function renderSvg(spec: TopLevelSpec, fontFile?: string): Promise<string> {
  const view = await chartView(spec, fontFile);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
