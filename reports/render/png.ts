import { Resvg } from '@resvg/resvg-js';
import { fontFamilyOf } from './fonts.ts';

/**
 * SVG → PNG at `scale`× with only the given font file loaded, so the output does not depend on what
 * else the machine has. Every generic family and the default map to the file's CJK face, so text
 * whose font-family names a font that is not loaded still draws with it.
 */
export function svgToPng(svg: string, fontFile: string, scale = 2): Buffer {
  const family = fontFamilyOf(fontFile);
  return new Resvg(svg, {
    font: {
      fontFiles: [fontFile],
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
      serifFamily: family,
      monospaceFamily: family,
    },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  })
    .render()
    .asPng();
}
