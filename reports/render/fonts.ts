import { existsSync } from 'node:fs';
import { UserError } from '../../lib/user-error.ts';

/** Where Debian puts the CJK fonts scripts/setup-system.sh installs (WenQuanYi first: 7.5 MB, Latin glyphs included). */
export const cjkFontCandidates = [
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
];

export class ReportFontError extends UserError {}

/** The font file for PNG and PDF: the configured one, else the first installed candidate; without one Chinese would render as boxes, so this fails. */
export function cjkFontFile(configured = ''): string {
  if (configured) {
    if (!existsSync(configured)) throw new ReportFontError(`LOANWATCH_CJK_FONT=${configured}: no such file`);
    return configured;
  }
  const found = cjkFontCandidates.find((f) => existsSync(f));
  if (!found) throw new ReportFontError(`no CJK font found (looked for ${cjkFontCandidates.join(', ')}): run \`sudo bash scripts/setup-system.sh\` or set LOANWATCH_CJK_FONT`);
  return found;
}

/** The family name inside a candidate font file (what an SVG's font-family list must name). */
export const fontFamilyOf = (file: string) => (/noto/iu.test(file) ? 'Noto Sans CJK SC' : 'WenQuanYi Zen Hei');
