import { chartFont } from '../theme.ts';
import { fontFamilyOf } from './fonts.ts';
import { htmlFontFace } from './html-font.ts';
import { accessibleSvg } from './svg-name.ts';
import type { Summary, SummaryFigure } from '../summary/summary.ts';
import { summaryText } from '../summary/summary.ts';
import { scopedLabel } from '../summary/scoped-label.ts';
import { amountsIn } from '../summary/currency.ts';
import type { Lang } from '../i18n.ts';

export interface RenderedChart {
  id: string;
  title: string;
  /** the chart's name for a screen reader (its title and subtitle); the title when absent */
  name?: string;
  note: string;
  svg: string;
}
export interface PackMeta {
  lang: string;
  title: string;
  subtitle: string;
  /** the data's as-of month-end: the PDF's creation date, so a rebuilt pack's PDF is byte for byte the same */
  asOf?: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** an SVG's text as read: tags out, entities decoded, white space out (a wrapped line breaks anywhere) */
function svgText(svg: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return svg
    .replace(/<[^>]*>/gu, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/giu, (m, e: string) =>
      e.startsWith('#x') || e.startsWith('#X')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : (entities[e] ?? m),
    )
    .replace(/\s+/gu, '');
}

/**
 * The sentences of a chart's note that its SVG does not already carry (charts draw their note as a
 * footnote inside the image; a bank-wide remark added by the pack is not in it): no note twice. The
 * chart wraps its note over lines, so a sentence is looked for with the line breaks taken out — a
 * Chinese sentence that began at a line's end was shown again under the chart.
 */
export function noteBesides(svg: string, note: string): string {
  const carried = svgText(svg);
  return note
    .split(/(?<=[。.；;])\s*/u)
    .filter((sentence) => sentence && !carried.includes(sentence.replace(/\s+/gu, '').slice(0, 16)))
    .join(' ');
}

/** status colours of the summary (HTML and PDF) */
export const statusColours = { red: '#c62828', amber: '#d98c00', green: '#2e7d32', '': '#9e9e9e' } as const;

const t = (k: keyof typeof summaryText, lang: Lang) => summaryText[k][lang];

const statusBadge = (f: SummaryFigure, lang: Lang) =>
  f.status ? `<span class="status status-${f.status}"><span class="dot"></span>${esc(t(f.status, lang))}</span>` : '';

function tiles(s: Summary): string {
  const lang = s.lang;
  return s.figures
    .filter((f) => f.key)
    .map(
      (f) => `<div class="tile status-${f.status || 'none'}" data-figure="${esc(f.id)}" data-status="${f.status}">
<div class="tile-label">${esc(scopedLabel(f, lang))}</div>
<div class="tile-value">${esc(f.display.value)}</div>
<div class="tile-change">${esc(t('on_month', lang))} ${esc(f.display.change_on_month)}${f.display.relative_change_on_month ? ` (${esc(f.display.relative_change_on_month)})` : ''}</div>
${f.threshold ? `<div class="tile-limit">${esc(t('threshold', lang))} ${esc(f.threshold)} ${statusBadge(f, lang)}</div>` : ''}
</div>`,
    )
    .join('\n');
}

const cell = (value: string, change: string) =>
  `<td class="num">${esc(value)}${change && value !== '—' ? `<br><small>${esc(change)}</small>` : ''}</td>`;

/** the unit of the amounts (summary.ts money_unit), CNY for a summary made without it */
const moneyUnit = (s: Summary) => s.money_unit ?? amountsIn([], s.lang);

function figuresTable(s: Summary): string {
  const lang = s.lang;
  const rows: string[] = [];
  let section = '';
  for (const f of s.figures) {
    if (f.section !== section) {
      section = f.section;
      rows.push(`<tr class="section"><th colspan="7">${esc(s.sections[section] ?? section)}</th></tr>`);
    }
    rows.push(`<tr data-figure="${esc(f.id)}" data-status="${f.status}">
<th scope="row">${esc(scopedLabel(f, lang))}</th>
<td class="num value">${esc(f.display.value)}</td>
${cell(f.display.previous_month, f.display.change_on_month)}
${cell(f.display.year_start, f.display.change_on_year_start)}
${cell(f.display.same_month_last_year, f.display.change_on_year)}
<td class="limit">${esc(f.threshold)}</td>
<td>${statusBadge(f, lang)}</td>
</tr>`);
  }
  const h = (k: keyof typeof summaryText) => esc(t(k, lang));
  return `<table class="figures">
<caption>${h('summary')} · ${esc(moneyUnit(s))}</caption>
<thead><tr><th>${h('figure')}</th><th class="num">${h('value')}<br><small>${esc(s.months.value)}</small></th>
<th class="num">${h('previous_month')}<br><small>${esc(s.months.previous_month)} · ${h('change')}</small></th>
<th class="num">${h('year_start')}<br><small>${esc(s.months.year_start)} · ${h('change')}</small></th>
<th class="num">${h('same_month_last_year')}<br><small>${esc(s.months.same_month_last_year)} · ${h('change')}</small></th>
<th>${h('threshold')}</th><th>${h('status')}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function breakdownTables(s: Summary): string {
  const lang = s.lang;
  const h = (k: keyof typeof summaryText) => esc(t(k, lang));
  return s.breakdowns
    .map((b) => {
      const row = (r: Summary['breakdowns'][number]['rows'][number], total = false) => {
        const d = r.display;
        return `<tr${total ? ' class="total"' : ''} data-segment="${esc(r.segment)}">
<th scope="row">${r.rank !== null ? `${r.rank}. ` : ''}${esc(r.segment_label)}</th>
${cell(d.balance!, d.balance_change!)}${cell(d.m1plus_ratio!, d.m1plus_ratio_change!)}${cell(d.npl_balance!, d.npl_balance_change!)}${cell(d.npl_ratio!, d.npl_ratio_change!)}
<td class="num"><strong>${esc(d.contribution!)}</strong><br><small>${h('mix_effect')} ${esc(d.mix_effect!)} · ${h('rate_effect')} ${esc(d.rate_effect!)}</small></td>
<td class="num">${esc(d.share_of_npl_change ?? '')}</td></tr>`;
      };
      return `<h3>${esc(b.label)}</h3>
<table class="breakdown" data-dim="${b.dim}">
<thead><tr><th>${h('segment')}</th><th class="num">${h('balance')}</th><th class="num">${h('m1plus_ratio')}</th><th class="num">${h('npl_balance')}</th><th class="num">${h('npl_ratio')}</th><th class="num">${h('contribution')}</th><th class="num">${h('share_of_npl_change')}</th></tr></thead>
<tbody>
${b.rows.map((r) => row(r)).join('\n')}
${row(b.total, true)}
</tbody></table>`;
    })
    .join('\n');
}

/** The summary section at the top of the HTML pack: tiles, commentary, the figures table, notes, breakdowns. */
export function summaryHtml(s: Summary): string {
  const lang = s.lang;
  const h = (k: keyof typeof summaryText) => esc(t(k, lang));
  return `<section class="summary" id="summary">
<dl class="facts"><div><dt>${h('period')}</dt><dd>${esc(s.period)}</dd></div><div><dt>${h('as_of')}</dt><dd>${esc(s.month_end)}</dd></div><div><dt>${h('segment_label')}</dt><dd class="segment">${esc(s.segment_label)}</dd></div></dl>
<h2>${h('summary')}</h2>
<p class="unit" id="money-unit">${esc(moneyUnit(s))}</p>
<div class="tiles">
${tiles(s)}
</div>
<h2>${h('commentary')}</h2>
<ol class="commentary">
${s.commentary.map((c) => `<li>${esc(c)}</li>`).join('\n')}
</ol>
${figuresTable(s)}
<ul class="notes">
${s.notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}
</ul>
<h2>${h('breakdown')}</h2>
${breakdownTables(s)}
</section>`;
}

/**
 * One self-contained page: the summary, then every chart as inline SVG, no script and no network
 * needed to read it. With the chart font, the page carries it too, cut to the characters it uses
 * (html-font.ts), under the face's own family name — the name the charts' SVG text asks for first —
 * so a machine without a CJK font still draws the Chinese characters.
 */
export function packHtml(meta: PackMeta, charts: RenderedChart[], summary?: Summary, fontFile?: string): string {
  const page = pageHtml(meta, charts, summary, fontFile ? `'${fontFamilyOf(fontFile).replace(/'/gu, '')}', ` : '');
  if (!fontFile) return page.replace('/*@font-face*/\n', '');
  return page.replace('/*@font-face*/', htmlFontFace(fontFile, page));
}

function pageHtml(meta: PackMeta, charts: RenderedChart[], summary: Summary | undefined, ownFont: string): string {
  return `<!doctype html>
<html lang="${esc(meta.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(meta.title)}</title>
<style>
/*@font-face*/
  body { font-family: ${ownFont}${chartFont}; margin: 2rem auto; max-width: 880px; color: #222; padding: 0 1rem; }
  header { border-bottom: 2px solid #1f5fa8; margin-bottom: 1.5rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
  /* a heading or segment breaks at its spaces, not between any two Chinese characters ("区 / 域") */
  h1, dl.facts dd.segment { word-break: keep-all; overflow-wrap: break-word; }
  h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; color: #1f5fa8; }
  h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
  .subtitle { color: #555; margin: 0 0 1rem; }
  nav ol { columns: 2; font-size: .9rem; }
  figure.chart { margin: 0 0 2.5rem; break-inside: avoid; page-break-inside: avoid; }
  figure.chart svg { max-width: 100%; height: auto; }
  figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
  dl.facts { display: flex; gap: 2rem; margin: 0 0 1rem; }
  dl.facts dt { font-size: .8rem; color: #666; }
  dl.facts dd { margin: 0; font-weight: bold; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: .6rem; }
  .tile { border: 1px solid #ddd; border-left: 6px solid ${statusColours['']}; padding: .5rem .7rem; border-radius: 4px; }
  .tile.status-red { border-left-color: ${statusColours.red}; background: #fdecea; }
  .tile.status-amber { border-left-color: ${statusColours.amber}; background: #fff6e0; }
  .tile.status-green { border-left-color: ${statusColours.green}; }
  .tile-label { font-size: .8rem; color: #555; }
  .tile-value { font-size: 1.35rem; font-weight: bold; margin: .15rem 0; }
  .tile-change, .tile-limit { font-size: .75rem; color: #555; }
  ol.commentary li { margin: .3rem 0; line-height: 1.5; }
  table { border-collapse: collapse; width: 100%; font-size: .8rem; margin: .6rem 0; }
  th, td { padding: .3rem .4rem; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
  thead th { border-bottom: 2px solid #1f5fa8; font-size: .75rem; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  td small, th small { color: #666; font-weight: normal; }
  tr.section th { background: #f3f6fa; color: #1f5fa8; }
  tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #999; }
  td.limit { font-size: .72rem; color: #555; }
  .status { white-space: nowrap; font-weight: bold; }
  .status .dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; margin-right: .25em; vertical-align: middle; }
  .status-red .dot { background: ${statusColours.red}; } .status.status-red { color: ${statusColours.red}; }
  .status-amber .dot { background: ${statusColours.amber}; } .status.status-amber { color: ${statusColours.amber}; }
  .status-green .dot { background: ${statusColours.green}; } .status.status-green { color: ${statusColours.green}; }
  ul.notes { font-size: .75rem; color: #555; padding-left: 1.2rem; }
  p.unit, table.figures caption { font-size: .8rem; color: #555; text-align: left; }
  @media print { .tiles { grid-template-columns: repeat(3, 1fr); } }
</style>
</head>
<body>
<header><h1>${esc(meta.title).replaceAll(' · ', '\u00a0· ')}</h1><p class="subtitle">${esc(meta.subtitle)}</p></header>
${summary ? summaryHtml(summary) : ''}
<nav><ol>${charts.map((c) => `<li><a href="#chart-${esc(c.id)}">${esc(c.title)}</a></li>`).join('')}</ol></nav>
${charts
  .map(
    (c) => `<figure class="chart" id="chart-${esc(c.id)}" data-template="${esc(c.id)}">
${accessibleSvg(c.svg, c.name ?? c.title)}
${noteBesides(c.svg, c.note) ? `<figcaption>${esc(noteBesides(c.svg, c.note))}</figcaption>` : ''}
</figure>`,
  )
  .join('\n')}
</body>
</html>
`;
}
