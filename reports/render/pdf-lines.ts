/**
 * A heading's text with its line breaks chosen: pdfkit (by Unicode's line-breaking rules) may break
 * between any two Chinese characters, so a segment pack's title broke inside a word ("区 / 域 华中")
 * and its segment inside a region's name ("华 / 中"). Here a line breaks after a " · " separator, and
 * only a part too long for a line of its own breaks at its spaces (a word still too long is left to
 * pdfkit). `fits` says whether a line fits the width at the text's font and size.
 */
export function headingLines(text: string, fits: (line: string) => boolean): string {
  const parts = text.split(' · ');
  const units = parts.flatMap((part, i) => {
    const last = i === parts.length - 1;
    const unit = last ? part : `${part} ·`;
    if (fits(unit)) return [unit];
    // the separator stays at the end of its part's last word: no line starts with "·"
    const words = part.split(' ').filter((w) => w !== '');
    return last ? words : words.map((w, j) => (j === words.length - 1 ? `${w} ·` : w));
  });
  const lines: string[] = [];
  let line = '';
  for (const unit of units) {
    const joined = line ? `${line} ${unit}` : unit;
    if (line && !fits(joined)) {
      lines.push(line);
      line = unit;
    } else line = joined;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
