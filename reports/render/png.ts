import { Resvg } from '@resvg/resvg-js';
import { fontFamilyOf } from './fonts.ts';

/** SVG → PNG at `scale`× with only the given font file loaded, so the output does not depend on what else the machine has. */
export function svgToPng(svg: string, fontFile: string, scale = 2): Buffer {
  return new Resvg(svg, {
    font: { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: fontFamilyOf(fontFile) },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  }).render().asPng();
}
