/**
 * Text for a terminal with its control characters shown, not obeyed: C0 (but the line feed), DEL and
 * C1 as `\xNN`. Values come from loaded files, and an escape sequence in a quarantined row's raw text
 * would otherwise recolour, retitle or clear the terminal of whoever lists it.
 */
export function visibleControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
