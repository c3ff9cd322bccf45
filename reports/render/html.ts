import { chartFont } from '../theme.ts';

export interface RenderedChart {
  id: string;
  title: string;
  note: string;
  svg: string;
}
export interface PackMeta {
  lang: string;
  title: string;
  subtitle: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One self-contained page: every chart as inline SVG, no script and no network needed to read it. */
export function packHtml(meta: PackMeta, charts: RenderedChart[]): string {
  return `<!doctype html>
<html lang="${esc(meta.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(meta.title)}</title>
<style>
  body { font-family: ${chartFont}; margin: 2rem auto; max-width: 760px; color: #222; }
  header { border-bottom: 2px solid #1f5fa8; margin-bottom: 1.5rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
  .subtitle { color: #555; margin: 0 0 1rem; }
  nav ol { columns: 2; font-size: .9rem; }
  figure.chart { margin: 0 0 2.5rem; break-inside: avoid; page-break-inside: avoid; }
  figure.chart svg { max-width: 100%; height: auto; }
  figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
</style>
</head>
<body>
<header><h1>${esc(meta.title)}</h1><p class="subtitle">${esc(meta.subtitle)}</p>
<nav><ol>${charts.map((c) => `<li><a href="#chart-${esc(c.id)}">${esc(c.title)}</a></li>`).join('')}</ol></nav></header>
${charts
  .map(
    (c) => `<figure class="chart" id="chart-${esc(c.id)}" data-template="${esc(c.id)}">
${c.svg}
<figcaption>${esc(c.note)}</figcaption>
</figure>`,
  )
  .join('\n')}
</body>
</html>
`;
}
