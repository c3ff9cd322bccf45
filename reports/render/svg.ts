import { GlobalFonts } from 'canvas';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fontFamilyOf } from './fonts.ts';

const registered = new Set<string>();

/**
 * Vega-Lite → Vega → SVG, headless. With `canvas` (@napi-rs/canvas) installed vega measures text
 * with the real font, so Chinese labels get their true width instead of a Latin estimate.
 */
export async function renderSvg(spec: TopLevelSpec, fontFile?: string): Promise<string> {
  if (fontFile && !registered.has(fontFile)) {
    GlobalFonts.registerFromPath(fontFile, fontFamilyOf(fontFile));
    registered.add(fontFile);
  }
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
