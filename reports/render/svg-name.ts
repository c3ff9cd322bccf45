const escAttr = (s: string) =>
  s.replace(/[&<>"]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A chart's SVG for a reader: one image named `name` (its title and subtitle in the pack's
 * language), without Vega's own ARIA roles and labels, which are English ("Gradient legend titled
 * …", "Subtitle text …") inside a Chinese pack. For the HTML pack and the .svg files; the PNG and
 * the PDF are drawn from Vega's SVG as it was (these attributes draw nothing either way).
 */
export function accessibleSvg(svg: string, name: string): string {
  return svg
    .replace(/\s(?:role|aria-[a-z]+)="[^"]*"/gu, '')
    .replace(/^<svg\b/u, `<svg role="img" aria-label="${escAttr(name)}"`);
}
