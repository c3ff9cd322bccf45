import type SVGtoPDF from 'svg-to-pdfkit';
import type { Lang } from '../i18n.ts';
import type { Summary, SummaryFigure } from '../summary/summary.ts';
import { summaryText } from '../summary/summary.ts';
import { amountsIn } from '../summary/currency.ts';
import { scopedLabel } from '../summary/scoped-label.ts';
import { cjkFace, drawableText } from './fonts.ts';
import { headingLines } from './pdf-lines.ts';
import { noteBesides, statusColours, type PackMeta, type RenderedChart } from './html.ts';

type Doc = PDFKit.PDFDocument;
const margin = 40;
const grey = '#555555';
const ink = '#222222';
const blue = '#1f5fa8';

/** `第 n 页 / 共 N 页` / `Page n of N` */
export const pageLabel = (lang: string, n: number, total: number) =>
  lang === 'zh-CN' ? `第 ${n} 页 / 共 ${total} 页` : `Page ${n} of ${total}`;

const t = (k: keyof typeof summaryText, lang: Lang) => summaryText[k][lang];

/**
 * The pack as a vector PDF on A4 portrait: a cover with the title, period, as-of date, segment, the
 * key figures coloured by status and the commentary; the full key-figures table and the breakdowns;
 * then the charts, two to a page when two fit at the full text width (a tall one gets its own page),
 * each with its note. Every page carries its number. The CJK font file is embedded (subset).
 */
export async function packPdf(
  meta: PackMeta,
  charts: RenderedChart[],
  fontFile: string,
  summary?: Summary,
): Promise<Buffer> {
  const pdf = await openPackPdf(meta, fontFile);
  pdf.front(summary ?? charts.map((c) => c.title));
  for (const c of charts) pdf.chart(c);
  return pdf.end();
}

/**
 * A pack's PDF drawn as its parts arrive (pack.ts draws a chart's page while the engine reads the
 * next chart's data, so little is left to do once the last one is read): `front` once — the cover
 * and summary pages, or without a summary a contents list — then `chart` for each chart in order,
 * then `end` numbers the pages and gives the bytes. The same calls in the same order give the
 * same bytes as `packPdf`.
 */
export interface PackPdfWriter {
  front(summaryOrContents: Summary | string[]): void;
  chart(c: RenderedChart): void;
  end(): Promise<Buffer>;
}

export async function openPackPdf(meta: PackMeta, fontFile: string): Promise<PackPdfWriter> {
  // loaded on use: pdfkit is a quarter second of every CLI command's start otherwise
  const [{ default: PDFDocument }, { default: drawSvg }] = await Promise.all([
    import('pdfkit'),
    import('svg-to-pdfkit'),
  ]);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margin,
    bufferPages: true,
    // a fixed creation date (the as-of month-end; generated-at is in the manifest): pdfkit's file id is
    // derived from it, so the same pack gives the same bytes
    info: {
      Title: meta.title,
      Creator: 'loanwatch',
      ...(meta.asOf ? { CreationDate: new Date(`${meta.asOf}T00:00:00Z`) } : {}),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });
  // pdfkit's third argument picks a face inside a .ttc by PostScript name; for a single-face file it
  // must be left out (fontkit then calls getFont on a plain font and throws).
  const face = cjkFace(fontFile);
  doc.registerFont('cjk', fontFile, face.inCollection ? face.postscriptName : undefined);
  doc.font('cjk');
  // every string drawn or measured, as the face can draw it (a sign it lacks as its ASCII twin)
  const drawable = drawableText(fontFile);
  const text = doc.text.bind(doc);
  const widthOf = doc.widthOfString.bind(doc);
  const heightOf = doc.heightOfString.bind(doc);
  doc.text = (s: unknown, ...rest: unknown[]) =>
    (text as (...a: unknown[]) => typeof doc)(typeof s === 'string' ? drawable(s) : s, ...rest);
  doc.widthOfString = (s, o) => widthOf(drawable(s), o);
  doc.heightOfString = (s, o) => heightOf(drawable(s), o);
  const width = doc.page.width - 2 * margin;
  let state: 'new' | 'charts' | 'ended' = 'new';
  // where the next chart goes: a new page first
  let y = Infinity;
  return {
    front(summaryOrContents) {
      if (state !== 'new') throw new Error('packPdf: front() comes first, once');
      state = 'charts';
      doc.fontSize(22).fillColor(ink);
      doc.text(headingLines(meta.title, fitsIn(doc, width)), { width }).moveDown(0.2);
      doc.fontSize(10).fillColor(grey).text(meta.subtitle, { width }).moveDown(0.6);
      if (Array.isArray(summaryOrContents)) {
        doc.fillColor(ink).fontSize(11);
        summaryOrContents.forEach((title, i) => doc.text(`${i + 1}. ${title}`));
        return;
      }
      cover(doc, summaryOrContents, width);
      doc.addPage();
      figuresTable(doc, summaryOrContents, width);
      doc.addPage();
      breakdowns(doc, summaryOrContents, width);
    },
    chart(c) {
      if (state !== 'charts') throw new Error('packPdf: chart() between front() and end()');
      y = chartPage(doc, { ...c, svg: drawable(c.svg), note: drawable(c.note) }, width, y, drawSvg);
    },
    end() {
      if (state !== 'charts') throw new Error('packPdf: end() after front(), once');
      state = 'ended';
      numberPages(doc, meta.lang, width);
      doc.end();
      return done;
    },
  };
}

/** page numbers last, when the total is known; the bottom margin is lifted so the footer does not add a page */
function numberPages(doc: Doc, lang: string, width: number) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('cjk')
      .fontSize(8)
      .fillColor(grey)
      .text(pageLabel(lang, i + 1, range.count), margin, doc.page.height - 28, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

const bottomOf = (doc: Doc) => doc.page.height - margin - 10;

/** the unit of the amounts (summary.ts money_unit), CNY for a summary made without it */
const moneyUnit = (s: Summary) => s.money_unit ?? amountsIn([], s.lang);

/**
 * Whether a line fits the width at the document's font and size, with a point to spare: pdfkit wraps
 * by adding up its words' widths, which may come out a hair wider than the line measured whole.
 */
/**
 * Whether a line fits where pdfkit's own wrap keeps it whole: it measures a word with the space after
 * it, so a line judged to fit within a point broke before its closing " ·" (a "·" alone on a line).
 */
const fitsIn = (doc: Doc, width: number) => (line: string) =>
  doc.widthOfString(line) + doc.widthOfString(' ') <= width - 1;

/** period, as-of, segment; the key-figure tiles; the commentary */
function cover(doc: Doc, s: Summary, width: number) {
  const lang = s.lang;
  const facts: [string, string][] = [
    [t('period', lang), s.period],
    [t('as_of', lang), s.month_end],
    [t('segment_label', lang), s.segment_label],
  ];
  let y = doc.y;
  const fw = width / 3;
  // a long segment (several regions and branches) wraps: the rule goes below its last line, not through it
  let factsH = 0;
  facts.forEach(([k, v], i) => {
    doc
      .fontSize(8)
      .fillColor(grey)
      .text(k, margin + i * fw, y, { width: fw - 8 });
    doc.fontSize(12).fillColor(ink);
    doc.text(headingLines(v, fitsIn(doc, fw - 8)), margin + i * fw, y + 11, { width: fw - 8 });
    factsH = Math.max(factsH, doc.y - y);
  });
  y += Math.max(36, factsH + 6);
  doc
    .moveTo(margin, y)
    .lineTo(margin + width, y)
    .lineWidth(1.5)
    .strokeColor(blue)
    .stroke();
  y += 12;
  doc.fontSize(14).fillColor(blue).text(t('summary', lang), margin, y);
  const below = doc.y;
  // the unit of every amount on the tiles, once, at the heading's right
  doc
    .fontSize(9)
    .fillColor(grey)
    .text(moneyUnit(s), margin, y + 5, { width, align: 'right' });
  y = below + 6;
  const key = s.figures.filter((f) => f.key);
  const cols = 3,
    gap = 8,
    tw = (width - gap * (cols - 1)) / cols;
  // a label too long for one line takes two, and every tile grows alike (rows stay even)
  const labels = key.map((f) => tileLabel(doc, f, lang, tw - 16));
  const labelH = Math.max(...labels.map((l) => l.height), 10);
  const th = 56 + labelH;
  key.forEach((f, i) => {
    const x = margin + (i % cols) * (tw + gap),
      ty = y + Math.floor(i / cols) * (th + gap);
    tile(doc, f, lang, labels[i]!, labelH, x, ty, tw, th);
  });
  y += Math.ceil(key.length / cols) * (th + gap) + 8;
  doc.fontSize(14).fillColor(blue).text(t('commentary', lang), margin, y);
  doc.moveDown(0.3);
  doc.fontSize(10).fillColor(ink);
  s.commentary.forEach((c, i) => {
    doc.text(`${i + 1}. ${c}`, margin, doc.y, { width, lineGap: 2 }).moveDown(0.35);
  });
}

function tile(
  doc: Doc,
  f: SummaryFigure,
  lang: Lang,
  label: TileLabel,
  labelH: number,
  x: number,
  y0: number,
  w: number,
  h: number,
) {
  const colour = statusColours[f.status];
  const bg = f.status === 'red' ? '#fdecea' : f.status === 'amber' ? '#fff6e0' : '#ffffff';
  doc.save().rect(x, y0, w, h).fillAndStroke(bg, '#dddddd').restore();
  doc.save().rect(x, y0, 5, h).fill(colour).restore();
  const ix = x + 11,
    iw = w - 16;
  doc
    .fontSize(label.size)
    .fillColor(grey)
    .text(label.text, ix, y0 + 5, { width: iw, height: label.height, lineGap: 0, ellipsis: true });
  // the rest of the tile below the label's lines, as under a one-line label
  const y = y0 + labelH - 10;
  doc
    .fontSize(15)
    .fillColor(ink)
    .text(f.display.value, ix, y + 16, { width: iw, lineBreak: false });
  const rel = f.display.relative_change_on_month ? ` (${f.display.relative_change_on_month})` : '';
  doc
    .fontSize(7)
    .fillColor(grey)
    .text(`${t('on_month', lang)} ${f.display.change_on_month}${rel}`, ix, y + 36, { width: iw, lineBreak: false });
  if (f.threshold) {
    // the limit on one line, its amber band on the next: on one line the English band was cut
    const status = f.status ? `${t(f.status, lang)} · ` : '';
    const [limit, band] = limitCell(f.threshold);
    doc
      .fontSize(6.5)
      .fillColor(f.status ? colour : grey)
      .text(`${status}${t('threshold', lang)} ${limit}`, ix, y + 47, { width: iw, lineBreak: false });
    if (band) doc.text(band, ix, y + 55, { width: iw, lineBreak: false });
  }
}

interface TileLabel {
  text: string;
  size: number;
  /** the points its lines take: 10 for one line, two line heights for two */
  height: number;
}

/**
 * A tile's label: one line, in smaller type when it is long; else two lines ("Special-mention
 * migration rate (→ substandard or worse)" was cut at "substandar…"); a label still too long is cut
 * before its "whole bank" mark, never the mark itself (the ellipsis cut "Provision coverage
 * (拨备覆盖率) (whole…", so a segment pack's tile read as the segment's own coverage).
 */
function tileLabel(doc: Doc, f: SummaryFigure, lang: Lang, width: number): TileLabel {
  const full = scopedLabel(f, lang);
  for (const size of [7.5, 6.5])
    if (doc.fontSize(size).widthOfString(full) <= width) return { text: full, size, height: 10 };
  const size = 7;
  const height = Math.ceil(2 * doc.fontSize(size).currentLineHeight(true));
  const twoLines = (text: string) => doc.fontSize(size).heightOfString(text, { width, lineGap: 0 }) <= height;
  if (twoLines(full)) return { text: full, size, height };
  const mark = full.slice(f.label.length);
  const chars = Array.from(new Intl.Segmenter(lang).segment(f.label), (g) => g.segment);
  while (chars.length > 1 && !twoLines(`${chars.join('').trimEnd()}…${mark}`)) chars.pop();
  return { text: `${chars.join('').trimEnd()}…${mark}`, size, height };
}

interface Col {
  title: string;
  /** lines under the title (a date, "· change") */
  sub?: string[];
  w: number;
  align?: 'left' | 'right';
}

const cellPad = 2;

/**
 * a table: header, rows whose cells wrap to as many lines as they need (the row grows; nothing is cut
 * with an ellipsis), a new page (and the header again) when full. Each cell is a main line and an
 * optional smaller one under it.
 */
function table(
  doc: Doc,
  cols: Col[],
  rows: { cells: [string, string?][]; section?: boolean; bold?: boolean; colour?: string }[],
) {
  const w = cols.reduce((a, c) => a + c.w, 0);
  const opts = (c: Col) => ({ width: c.w - 2 * cellPad, align: c.align ?? 'left' });
  const header = () => {
    const y = doc.y;
    let x = margin;
    let bottom = y;
    for (const c of cols) {
      doc
        .fontSize(7)
        .fillColor(ink)
        .text(c.title, x + cellPad, y, opts(c));
      for (const line of c.sub ?? [])
        doc
          .fontSize(6.5)
          .fillColor(grey)
          .text(line, x + cellPad, doc.y, opts(c));
      bottom = Math.max(bottom, doc.y);
      x += c.w;
    }
    doc
      .moveTo(margin, bottom + 2)
      .lineTo(margin + w, bottom + 2)
      .lineWidth(1)
      .strokeColor(blue)
      .stroke();
    doc.y = bottom + 5;
  };
  const cellHeight = ([main, sub]: [string, string?], c: Col) =>
    doc.fontSize(7.5).heightOfString(main, opts(c)) + (sub ? doc.fontSize(6.5).heightOfString(sub, opts(c)) : 0);
  header();
  for (const r of rows) {
    const rowH = r.section ? 16 : Math.max(21, 4 + Math.max(...r.cells.map((cell, i) => cellHeight(cell, cols[i]!))));
    if (doc.y + rowH > bottomOf(doc)) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    if (r.section) {
      doc.save().rect(margin, y, w, 14).fill('#f3f6fa').restore();
      doc
        .fontSize(8)
        .fillColor(blue)
        .text(r.cells[0]![0], margin + 2, y + 3, { width: w - 4, lineBreak: false });
      doc.y = y + rowH;
      continue;
    }
    let x = margin;
    r.cells.forEach(([main, sub], i) => {
      const c = cols[i]!;
      const colour = i === r.cells.length - 1 && r.colour ? r.colour : ink;
      doc
        .fontSize(7.5)
        .fillColor(colour)
        .text(main, x + cellPad, y + 2, opts(c));
      if (sub)
        doc
          .fontSize(6.5)
          .fillColor(grey)
          .text(sub, x + cellPad, doc.y, opts(c));
      x += c.w;
    });
    doc
      .moveTo(margin, y + rowH - 1)
      .lineTo(margin + w, y + rowH - 1)
      .lineWidth(r.bold ? 1 : 0.3)
      .strokeColor(r.bold ? '#999999' : '#e0e0e0')
      .stroke();
    doc.y = y + rowH;
  }
  doc.x = margin;
}

/** `≤ 4.00% 行内（高于 3.00% 黄色）` → the limit on one line, its amber band below */
const limitCell = (threshold: string): [string, string?] => {
  const m = /^(.*?)\s?[（(](.*)[）)]$/u.exec(threshold);
  return m ? [m[1]!, m[2]!] : [threshold];
};

function figuresTable(doc: Doc, s: Summary, width: number) {
  const lang = s.lang;
  doc.fontSize(14).fillColor(blue).text(t('summary', lang), margin, margin);
  const below = doc.y;
  doc
    .fontSize(9)
    .fillColor(grey)
    .text(moneyUnit(s), margin, margin + 5, { width, align: 'right' });
  doc.y = below;
  doc.moveDown(0.3);
  const chg = t('change', lang);
  const cols: Col[] = [
    { title: t('figure', lang), w: 148 },
    { title: t('value', lang), sub: [s.months.value], w: 54, align: 'right' },
    // the month on one line, "· change" under it: "2024-05-31 · Change" did not fit the column in English
    { title: t('previous_month', lang), sub: [s.months.previous_month, `· ${chg}`], w: 58, align: 'right' },
    { title: t('year_start', lang), sub: [s.months.year_start, `· ${chg}`], w: 58, align: 'right' },
    { title: t('same_month_last_year', lang), sub: [s.months.same_month_last_year, `· ${chg}`], w: 58, align: 'right' },
    { title: t('threshold', lang), w: 92 },
    { title: t('status', lang), w: width - 468 },
  ];
  const rows: Parameters<typeof table>[2] = [];
  let section = '';
  for (const f of s.figures) {
    if (f.section !== section) {
      section = f.section;
      rows.push({ section: true, cells: [[s.sections[section] ?? section]] });
    }
    const pair = (v: string, c: string): [string, string?] => (v === '—' ? [v] : [v, c]);
    rows.push({
      colour: f.status ? statusColours[f.status] : undefined,
      cells: [
        [scopedLabel(f, lang)],
        [f.display.value],
        pair(f.display.previous_month, f.display.change_on_month),
        pair(f.display.year_start, f.display.change_on_year_start),
        pair(f.display.same_month_last_year, f.display.change_on_year),
        limitCell(f.threshold),
        [f.status ? `● ${t(f.status, lang)}` : ''],
      ],
    });
  }
  table(doc, cols, rows);
  doc.moveDown(0.6);
  doc.fontSize(7).fillColor(grey);
  for (const n of s.notes) doc.text(`· ${n}`, margin, doc.y, { width }).moveDown(0.2);
}

function breakdowns(doc: Doc, s: Summary, width: number) {
  const lang = s.lang;
  doc.fontSize(14).fillColor(blue).text(t('breakdown', lang), margin, margin, { width }).moveDown(0.3);
  for (const b of s.breakdowns) {
    if (doc.y + 80 > bottomOf(doc)) doc.addPage();
    doc.fontSize(10).fillColor(ink).text(b.label, margin, doc.y).moveDown(0.2);
    const cols: Col[] = [
      { title: t('segment', lang), w: 78 },
      { title: t('balance', lang), w: 62, align: 'right' },
      { title: t('m1plus_ratio', lang), w: 62, align: 'right' },
      { title: t('npl_balance', lang), w: 62, align: 'right' },
      { title: t('npl_ratio', lang), w: 62, align: 'right' },
      {
        title: t('contribution', lang),
        sub: [`${t('mix_effect', lang)} · ${t('rate_effect', lang)}`],
        w: 132,
        align: 'right',
      },
      { title: t('share_of_npl_change', lang), w: width - 458, align: 'right' },
    ];
    const row = (r: Summary['breakdowns'][number]['rows'][number], total = false) => {
      const d = r.display;
      return {
        bold: total,
        cells: [
          [`${r.rank !== null ? `${r.rank}. ` : ''}${r.segment_label}`],
          [d.balance!, d.balance_change],
          [d.m1plus_ratio!, d.m1plus_ratio_change],
          [d.npl_balance!, d.npl_balance_change],
          [d.npl_ratio!, d.npl_ratio_change],
          [d.contribution!, `${d.mix_effect} · ${d.rate_effect}`],
          [d.share_of_npl_change ?? ''],
        ] as [string, string?][],
      };
    };
    table(doc, cols, [...b.rows.map((r) => row(r)), row(b.total, true)]);
    doc.moveDown(0.8);
  }
}

const svgSize = (svg: string) => {
  const m = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/u.exec(svg);
  return m ? { w: Number(m[1]), h: Number(m[2]) } : { w: 700, h: 350 };
};

/**
 * One chart at `y`, or on a new page when it does not fit there: two charts a page at the full text
 * width when both fit, a chart too tall for half a page gets one to itself. Returns where the next goes.
 */
function chartPage(doc: Doc, c: RenderedChart, width: number, at: number, drawSvg: typeof SVGtoPDF): number {
  const noteH = 30;
  let y = at;
  const { w, h } = svgSize(c.svg);
  const scale = Math.min(1, width / w);
  const height = Math.min(h * scale, bottomOf(doc) - margin - noteH);
  if (y + height + noteH > bottomOf(doc)) {
    doc.addPage();
    y = margin;
  }
  drawSvg(doc, c.svg, margin, y, {
    width,
    height,
    preserveAspectRatio: 'xMinYMin meet',
    fontCallback: () => 'cjk',
  });
  // the chart draws its note inside the image: only what it does not carry (a bank-wide remark) goes under it
  const note = noteBesides(c.svg, c.note);
  if (note)
    doc
      .font('cjk')
      .fontSize(8.5)
      .fillColor(grey)
      .text(note, margin, y + height + 4, { width });
  else doc.y = y + height;
  return Math.max(doc.y, y + height + 4) + 18;
}
