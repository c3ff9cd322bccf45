import { writeFileAtomic } from '../lib/atomic-file.ts';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Warehouse } from '../warehouse/connection.ts';
import { csvTable } from '../warehouse/csv-cell.ts';
import { firstSnapshotMonthEnd, requireSnapshotMonthEnd, snapshotSettingsAt } from '../warehouse/data-horizon.ts';
import { dpdSettingsText } from './dpd-settings-text.ts';
import { withRequestMemo } from '../warehouse/request-memo.ts';
import { runMetric } from '../warehouse/metrics/run.ts';
import { monthEndOf } from '../lib/dates.ts';
import { metricWindow } from '../warehouse/metrics/window.ts';
import { packTemplates } from './catalogue.ts';
import { fetchChartData } from './data/fetch.ts';
import { packTitles, type Lang } from './i18n.ts';
import { packHtml, type PackMeta, type RenderedChart } from './render/html.ts';
import { openPackPdf, packPdf } from './render/pdf.ts';
import { svgToPng } from './render/png.ts';
import { chartModules, renderSvg } from './render/svg.ts';
import { accessibleSvg } from './render/svg-name.ts';
import { registerCjkFace } from './render/canvas-font.ts';
import { chartSpec, covered } from './spec.ts';
import { segmentText } from './summary/segments.ts';
import type { ChartTemplate, Pack, ReportPeriod, ReportSegment, Row } from './template.ts';
import { assertKnownFilterValues } from '../warehouse/metrics/known-values.ts';
import type { MetricColumn } from '../warehouse/metrics/definition.ts';
import { UserError } from '../lib/user-error.ts';
import { breakdownCsv, buildSummary, summaryCsv, type Summary } from './summary/index.ts';
import { makeDirectory } from '../lib/make-directory.ts';
import { clearPreviousPack } from './pack-folder.ts';

export const reportFormats = ['html', 'pdf', 'png', 'svg'] as const;
export type ReportFormat = (typeof reportFormats)[number];
export class ReportRequestError extends UserError {}

/**
 * `YYYY-MM` → its month-end and the first month-end of "the last 12 months" ending there (the
 * metrics' own default window, warehouse/metrics/window.ts); the snapshot must reach it.
 */
export async function reportPeriod(wh: Warehouse, period: string, segment: ReportSegment = {}): Promise<ReportPeriod> {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/u.exec(period);
  if (!m) throw new ReportRequestError(`period ${JSON.stringify(period)}: expected YYYY-MM`);
  const monthEnd = monthEndOf(`${period}-01`);
  const { from } = metricWindow(monthEnd);
  const last = await requireSnapshotMonthEnd(wh);
  if (monthEnd > last) throw new ReportRequestError(`period ${period} is after the latest snapshot month-end ${last}`);
  // the segment's values checked like any metric filter: an unknown region is refused, not an empty pack
  await assertKnownFilterValues(wh, segment);
  // the first months of a book: the 12 months reach back before the data, which the texts must not claim
  const first = await firstSnapshotMonthEnd(wh);
  const settings = await snapshotSettingsAt(wh, monthEnd);
  return {
    period,
    monthEnd,
    from,
    segment,
    ...(first && first > from ? { dataFrom: first } : {}),
    ...(settings ? { dpdSettings: settings } : {}),
  };
}

/**
 * Refuses a segment without a loan at the month-end. Each value is known (reportPeriod), but
 * together they can select nothing — a branch of another region — and the pack would be built and
 * archived as that segment's month, every figure "—".
 */
export async function assertSegmentHasLoans(wh: Warehouse, p: ReportPeriod): Promise<void> {
  const given = (['product', 'region', 'branch'] as const).filter((k) => p.segment[k]?.length);
  if (given.length === 0) return;
  const filters = Object.fromEntries(given.map((k) => [k, p.segment[k]]));
  // the book's balance at the month-end, the overdue figures' own metric: no row, no loan
  const { rows } = await runMetric(wh, 'overdue', { from: p.monthEnd, to: p.monthEnd, as_of: p.monthEnd, ...filters });
  if (rows.length === 0)
    throw new ReportRequestError(
      `no loans in this segment (${given.map((k) => `${k} ${p.segment[k]!.join(',')}`).join(', ')}) at ${p.monthEnd}: nothing to report, no pack written or archived`,
    );
}

export interface BuiltChart {
  template: ChartTemplate;
  rows: Row[];
  spec: TopLevelSpec;
  svg: string;
  /** the metric's columns: what each CSV column is (dimension, money or count measure, ratio…) */
  columns: MetricColumn[];
  /** false: a bank-wide figure in a segment pack (the segment could not be applied) */
  segmentApplied: boolean;
  /** the chart as a PNG, when the pack asked for one (drawn while the next chart's data is read) */
  png?: Buffer;
}

export async function buildChart(
  wh: Warehouse,
  t: ChartTemplate,
  p: ReportPeriod,
  lang: Lang,
  fontFile: string,
): Promise<BuiltChart> {
  return drawChart(t, await fetchChartData(wh, t.data(p), p.segment), p, lang, fontFile);
}

type ChartData = Awaited<ReturnType<typeof fetchChartData>>;

async function drawChart(
  t: ChartTemplate,
  { rows, chartRows, columns, segmentApplied }: ChartData,
  p: ReportPeriod,
  lang: Lang,
  fontFile: string,
): Promise<BuiltChart> {
  // no rows: the chart says "no data" under its own title, period and note
  const spec = chartSpec(t, chartRows, lang, p);
  return { template: t, rows, spec, svg: await renderSvg(spec, fontFile), columns, segmentApplied };
}

export function packMeta(pack: Pack, p: ReportPeriod, lang: Lang): PackMeta {
  const whole = !Object.values(p.segment).some((values: string[] | undefined) => values?.length);
  const segment = whole ? '' : segmentText(p.segment, lang);
  const title = `${packTitles[pack][lang]} · ${p.period}${segment ? ` · ${segment}` : ''}`;
  const { start, months } = covered(p);
  const since =
    months === 12
      ? { 'zh-CN': `近 12 个月自 ${start}`, en: `12 months from ${start}` }[lang]
      : {
          'zh-CN': `自数据首月 ${start} 起 ${months} 个月`,
          en: `${months} month${months === 1 ? '' : 's'} from ${start}, where the data starts`,
        }[lang];
  const dpd = p.dpdSettings ? ` ${dpdSettingsText(p.dpdSettings, lang)}` : '';
  const subtitle =
    lang === 'zh-CN'
      ? `数据截至 ${p.monthEnd}；${since}。${dpd.trim()}由 loanwatch 生成。`
      : `Data as of ${p.monthEnd}; ${since}.${dpd} Generated by loanwatch.`;
  return { lang, title, subtitle, asOf: p.monthEnd };
}

const wholeBookNote = {
  'zh-CN': '全行口径：该指标不按所选分部拆分。',
  en: 'Whole bank: this figure is not cut by the segment.',
};

/** a chart's name for a screen reader: its title and subtitle in the pack's language (spec.ts chartSpec) */
const chartName = (c: BuiltChart) => (c.spec as { description?: string }).description ?? c.template.id;

export const rendered = (charts: BuiltChart[], lang: Lang): RenderedChart[] =>
  charts.map((c) => ({
    id: c.template.id,
    title: c.template.title[lang],
    name: chartName(c),
    note: c.segmentApplied ? c.template.note[lang] : `${c.template.note[lang]} ${wholeBookNote[lang]}`,
    svg: c.svg,
  }));

/** A pack's charts built for a period, segment and language: what the files, the HTML and the PDF are made from. */
export interface AssembledPack {
  pack: Pack;
  period: ReportPeriod;
  lang: Lang;
  meta: PackMeta;
  charts: BuiltChart[];
  /** the key figures, commentary and breakdowns: the pack's first pages */
  summary: Summary;
  /** the PDF, when asked for: drawn page by page as the charts were */
  pdf?: Buffer;
}

/** The one assembly of a pack, shared by `loanwatch report` (files) and the API (documents). */
export async function assemblePack(
  wh: Warehouse,
  o: {
    pack: Pack;
    period: ReportPeriod;
    lang: Lang;
    fontFile: string;
    /** limits for the key figures (default: reports/summary/default-thresholds.json) */
    thresholdsFile?: string;
    /** draw each chart's PNG too */
    png?: boolean;
    /** draw the PDF too, each chart's page as the chart is drawn */
    pdf?: boolean;
    log?: (s: string) => void;
  },
): Promise<AssembledPack> {
  // a bad thresholds file throws here, before any chart; then the summary's queries run beside the
  // charts' — the engine takes them in turn, and Node draws a chart meanwhile
  const pendingSummary = buildSummary(wh, o);
  pendingSummary.catch(() => undefined);
  const charts: BuiltChart[] = [];
  const templates = packTemplates(o.pack);
  // a chart's data is read while the ones before it are drawn: the engine runs a query on its own
  // threads (the client's calls are asynchronous), the drawing is Node's. Eight charts ahead: Node
  // is busy for a while at times — a derived chart's data ends there (the disposal options value
  // 55,000 loans), and the summary's arrival draws the PDF's front pages and every chart page so
  // far — and the engine would wait for the next read meanwhile; and a derived chart's reads run
  // one after another, so they start early (on the 1M book four ahead gave the regulatory pack
  // 4.84 / 3.95 / 3.45 and 5.12 / 4.15 / 3.63 s in two processes, eight 4.45 / 3.74 / 3.27 and
  // 4.29 / 4.28 / 3.71 s; all twenty 4.93 / 4.28 / 4.05 s: the first chart's data then comes last).
  // A pack that fails leaves the reads already asked to finish on the engine: up to eight.
  const aheadCharts = 8;
  const fetches: ReturnType<typeof fetchChartData>[] = [];
  const fetchUpTo = (n: number) => {
    for (let i = fetches.length; i < Math.min(n, templates.length); i++) {
      const data = fetchChartData(wh, templates[i]!.data(o.period), o.period.segment);
      // awaited in its turn; until then a failure must not count as unhandled
      data.catch(() => undefined);
      fetches.push(data);
    }
  };
  const meta = packMeta(o.pack, o.period, o.lang);
  fetchUpTo(aheadCharts);
  // the drawing's modules and font are loaded while the engine reads the first charts (in a fresh
  // process that took 1 s after the first chart's data had come)
  const drawing = chartModules().then(() => (o.fontFile ? registerCjkFace(o.fontFile) : undefined));
  drawing.catch(() => undefined);
  // the PDF's front pages need the summary; until it is in, the charts drawn wait for their pages
  // (opened while the engine reads the first chart: loading pdfkit and the font takes a while)
  const pdf = o.pdf ? await openPackPdf(meta, o.fontFile) : undefined;
  let summaryIn: Summary | undefined;
  pendingSummary.then((s) => (summaryIn = s)).catch(() => undefined);
  let fronted = false;
  let paged = 0;
  const pageCharts = (summary: Summary | undefined) => {
    if (!pdf || !summary) return;
    if (!fronted) pdf.front(summary);
    fronted = true;
    for (const c of rendered(charts.slice(paged), o.lang)) pdf.chart(c);
    paged = charts.length;
  };
  await drawing;
  for (const [i, t] of templates.entries()) {
    const data = await fetches[i]!;
    fetchUpTo(i + 1 + aheadCharts);
    const c = await drawChart(t, data, o.period, o.lang, o.fontFile);
    if (o.png) c.png = await svgToPng(c.svg, o.fontFile);
    charts.push(c);
    pageCharts(summaryIn);
    o.log?.(`${t.id}: ${c.rows.length} rows`);
  }
  const summary = await pendingSummary;
  pageCharts(summary);
  o.log?.(`summary: ${summary.figures.length} figures, ${summary.commentary.length} sentences`);
  return {
    pack: o.pack,
    period: o.period,
    lang: o.lang,
    meta,
    charts,
    summary,
    ...(pdf ? { pdf: await pdf.end() } : {}),
  };
}

/** The pack as one document: self-contained HTML or a PDF. */
export async function packDocument(
  a: AssembledPack,
  format: 'html' | 'pdf',
  fontFile: string,
): Promise<string | Buffer> {
  if (format === 'html') return packHtml(a.meta, rendered(a.charts, a.lang), a.summary, fontFile || undefined);
  return a.pdf ?? packPdf(a.meta, rendered(a.charts, a.lang), fontFile, a.summary);
}

export const rowsCsv = (rows: Row[], noRowsColumns: readonly string[] = []) => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  // a chart with no rows still writes its header: its metric's columns
  return csvTable(columns.length ? columns : [...noRowsColumns], rows);
};

/**
 * A pack for a month in a language: every chart's data (CSV), Vega-Lite spec (JSON) and, by
 * format, SVG and PNG per chart, one self-contained HTML and one PDF, written to `outDir`.
 */
export async function buildReportPack(
  wh: Warehouse,
  o: {
    pack: Pack;
    period: string;
    segment?: ReportSegment;
    lang: Lang;
    formats: ReportFormat[];
    outDir: string;
    fontFile: string;
    /** limits for the key figures' statuses (default: reports/summary/default-thresholds.json) */
    thresholdsFile?: string;
    log?: (s: string) => void;
  },
) {
  const p = await reportPeriod(wh, o.period, o.segment);
  // a single chart of a period before the data says "no data"; a whole pack of nothing would be
  // archived as that month's report
  const first = await firstSnapshotMonthEnd(wh);
  if (first && p.monthEnd < first)
    throw new ReportRequestError(
      `period ${o.period} is before the first snapshot month-end ${first}: there is no data to report`,
    );
  await assertSegmentHasLoans(wh, p);
  makeDirectory(o.outDir);
  // one scope for the pack's reads: a query its summary and charts both run is run once (request-memo.ts)
  const assembled = await withRequestMemo(() =>
    assemblePack(wh, {
      pack: o.pack,
      period: p,
      lang: o.lang,
      fontFile: o.fontFile,
      thresholdsFile: o.thresholdsFile,
      png: o.formats.includes('png'),
      pdf: o.formats.includes('pdf'),
      log: o.log,
    }),
  );
  // the folder holds this pack alone: what an earlier pack wrote there goes (only the files its
  // manifest lists), once this one is built — a pack that fails leaves the folder as it was
  clearPreviousPack(o.outDir);
  const files: string[] = [];
  const { summary } = assembled;
  writeFileAtomic(join(o.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(join(o.outDir, 'summary.csv'), summaryCsv(summary));
  files.push('summary.json', 'summary.csv');
  for (const b of summary.breakdowns) {
    writeFileAtomic(join(o.outDir, `breakdown-${b.dim}.csv`), breakdownCsv(b, summary.currencies ?? []));
    files.push(`breakdown-${b.dim}.csv`);
  }
  for (const c of assembled.charts) {
    const id = c.template.id;
    writeFileAtomic(join(o.outDir, `${id}.vl.json`), `${JSON.stringify(c.spec, null, 2)}\n`);
    writeFileAtomic(
      join(o.outDir, `${id}.csv`),
      rowsCsv(
        c.rows,
        c.columns.map((x) => x.name),
      ),
    );
    files.push(`${id}.vl.json`, `${id}.csv`);
    if (o.formats.includes('svg')) writeFileAtomic(join(o.outDir, `${id}.svg`), accessibleSvg(c.svg, chartName(c)));
    if (c.png) writeFileAtomic(join(o.outDir, `${id}.png`), c.png);
    files.push(...(['svg', 'png'] as const).filter((f) => o.formats.includes(f)).map((f) => `${id}.${f}`));
  }
  for (const format of ['html', 'pdf'] as const) {
    if (!o.formats.includes(format)) continue;
    const name = `report.${format}`;
    writeFileAtomic(join(o.outDir, name), await packDocument(assembled, format, o.fontFile));
    files.push(name);
  }
  const manifest = {
    pack: o.pack,
    period: p,
    lang: o.lang,
    title: assembled.meta.title,
    summary: {
      figures: summary.figures.length,
      breakdowns: summary.breakdowns.map((x) => x.dim),
      breakdown_rows: summary.breakdowns.reduce((n, x) => n + x.rows.length, 0),
      currencies: summary.currencies,
    },
    charts: assembled.charts.map((c) => ({
      id: c.template.id,
      title: c.template.title[o.lang],
      metric: c.template.data(p).metric,
      rows: c.rows.length,
      columns: c.columns,
      segment_applied: c.segmentApplied,
    })),
    files,
  };
  writeFileAtomic(join(o.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
