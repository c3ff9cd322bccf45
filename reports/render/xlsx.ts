import { summaryCsvColumns } from '../summary/summary.ts';
import type ExcelJS from 'exceljs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { csvRecords } from '../../lib/csv-records.ts';
import type { MetricColumn } from '../../warehouse/metrics/definition.ts';
import { labels, type Lang } from '../i18n.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { chartSheetName } from './sheet-names.ts';
import { defaultCurrency } from '../summary/currency.ts';

/** What the workbook reads of a pack's manifest.json. */
interface PackManifest {
  lang: Lang;
  period: { monthEnd: string };
  charts: { id: string; title: string; columns: MetricColumn[] }[];
  /** the breakdowns' dimensions in the pack's order (product, region, branch), as the PDF has them;
   * the currency codes of its amounts */
  summary?: { breakdowns?: string[]; currencies?: string[] };
}

/**
 * How a column's cells are written: as text, a date, or a number in an Excel format — a change of a
 * ratio as percentage points (`points`: the CSV's difference of fractions × 100), since Excel's %
 * format would show −0.06 pp as −0.06%, which a reader takes for a relative change.
 */
type CellKind = { type: 'text' } | { type: 'date' } | { type: 'number'; format: string; points?: true };

const formats = {
  pct: '0.00%',
  money: '#,##0.00',
  count: '#,##0',
  number: '0.0000',
  date: 'yyyy-mm-dd',
} as const;

/**
 * A ratio's cell: a value too small for two decimals reads <0.01% (>-0.01%) as on the pages, where
 * 0.00% beside a balance of 4,472.43 said there was none; the cell keeps its number for analysts,
 * and the format's first section still shows a 0 typed over it as 0.00%.
 */
function pctFormat(x: number): string {
  if (x === 0 || Math.abs(x) >= 0.00005) return formats.pct;
  return x > 0
    ? `[=0]${formats.pct};[<0.00005]"<0.01%";${formats.pct}`
    : `[=0]${formats.pct};[>-0.00005]">-0.01%";${formats.pct}`;
}

/**
 * A whole number in a column of PSI/AUC-like numbers (a rule's threshold of 50,000 CNY or 3 months,
 * a median lead of 14 days) as a whole number with thousands separators: 50000.0000 read as a score.
 */
const cellFormat = (format: string, x: number) =>
  format === formats.number && Number.isInteger(x) ? formats.count : format;

/** −0.06 pp / −0.06个百分点, with the sign always shown (a change) */
const pointsFormat = (lang: Lang) => {
  const unit = lang === 'zh-CN' ? '"个百分点"' : '" pp"';
  return `+0.00${unit};-0.00${unit};0.00${unit}`;
};

/**
 * Money in the book's one currency carries it in every cell (元 / CNY 1,234.00): the workbook has no
 * cover to say it once, and a sheet is often copied away alone. A book of several currencies is
 * added as recorded (currency.ts) and its cells carry none, as its pages say.
 */
function moneyFormat(currencies: readonly string[] | undefined, lang: Lang): string {
  const [code, ...others] = currencies ?? [defaultCurrency];
  if (!code || others.length > 0) return formats.money;
  if (lang === 'zh-CN' && code === 'CNY') return `${formats.money}"元"`;
  return `"${code} "${formats.money}`;
}

/** a change of a ratio, in the CSV as a difference of fractions: its percentage points, to the CSV's precision */
const toPoints = (v: string) => Number((Number(v) * 100).toFixed(4));

const isoDate = /^\d{4}-\d{2}-\d{2}$/u;
const numeric = (v: string) => v !== '' && Number.isFinite(Number(v));

/**
 * A chart column's kind from the manifest: ratios and shares (a measure with a denominator) as
 * percentages of their fractions; a money measure with cents, a count as a whole number; PSI/AUC-like
 * numbers with four decimals; a dimension of dates as dates; the rest as text.
 */
function chartColumnKind(column: MetricColumn | undefined, values: string[], money: string): CellKind {
  const present = values.filter((v) => v !== '');
  if (!column || column.kind === 'text') return { type: 'text' };
  if (column.kind === 'dimension')
    return present.length > 0 && present.every((v) => isoDate.test(v)) ? { type: 'date' } : { type: 'text' };
  if (!present.every(numeric)) return { type: 'text' };
  if (column.kind === 'ratio' || column.denominator) return { type: 'number', format: formats.pct };
  if (column.kind === 'number') return { type: 'number', format: formats.number };
  if (column.kind === 'count') return { type: 'number', format: formats.count };
  return { type: 'number', format: money };
}

/** a breakdown column that is a change of a ratio: change_in_npl_ratio, mix_effect, rate_effect, contribution_to_npl_ratio_change */
const ratioChange = /^(change_in_\w*(ratio|rate)|mix_effect|rate_effect|contribution_to_\w*_change)$/u;

/**
 * A breakdown table has no manifest entry: a change of a ratio in percentage points; a numeric
 * column whose name has a ratio's word in it (npl_ratio, share_of_npl_balance_change) a percentage
 * of its fraction, other numeric columns money or counts as above, a column of dates dates, the rest text.
 */
function inferredColumnKind(name: string, values: string[], money: string, lang: Lang): CellKind {
  const present = values.filter((v) => v !== '');
  if (present.length > 0 && present.every((v) => isoDate.test(v))) return { type: 'date' };
  if (present.length === 0 || !present.every(numeric)) return { type: 'text' };
  if (ratioChange.test(name)) return { type: 'number', format: pointsFormat(lang), points: true };
  if (/(^|_)(ratio|rate|share|effect|pct|par\d+|coverage|deviation)(_|$)/u.test(name))
    return { type: 'number', format: formats.pct };
  return { type: 'number', format: present.some((v) => !Number.isInteger(Number(v))) ? money : formats.count };
}

/** The key-figures columns that carry the row's figure (formatted by the row's unit); the others are text. */
const summaryText = new Set(['section', 'id', 'label', 'unit', 'status']);
const summaryFigures = new Set<string>(summaryCsvColumns.filter((c) => !summaryText.has(c)));
const unitFormat: Record<string, string> = {
  pct: formats.pct,
  count: formats.count,
  number: '#,##0.00##',
};
/** a figure's change columns: for a ratio, percentage points */
const summaryChanges = new Set(['change_on_month', 'change_on_year_start', 'change_on_year']);

/** a key figure's cell: by its row's unit, a ratio's change in percentage points */
function summaryCellKind(column: string, unit: string, money: string, lang: Lang): CellKind {
  if (!summaryFigures.has(column)) return { type: 'text' };
  if (unit === 'pct' && summaryChanges.has(column)) return { type: 'number', format: pointsFormat(lang), points: true };
  return { type: 'number', format: unit === 'money' ? money : (unitFormat[unit] ?? unitFormat.number!) };
}
/**
 * summary.csv writes a ratio to 6 decimals, so a share under 0.00005 % (a loss balance of 2,000 in a
 * book of 4.9 billion) is 0.000000 there: its cell takes summary.json's unrounded value, which reads
 * <0.01% (pctFormat) where 0 read 0.00% beside a balance. Every other cell is the CSV's.
 */
function unroundedTinyShares(dir: string, header: string[], rows: string[][]): string[][] {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) return rows;
  const figures = (JSON.parse(readFileSync(path, 'utf8')) as { figures?: Record<string, unknown>[] }).figures ?? [];
  const [id, unit] = [header.indexOf('id'), header.indexOf('unit')];
  return rows.map((row) => {
    const figure = figures.find((f) => f.id === row[id]);
    if (row[unit] !== 'pct' || !figure) return row;
    return row.map((v, i) => {
      const exact = figure[header[i] ?? ''];
      const levels = !summaryChanges.has(header[i] ?? '');
      return levels && numeric(v) && Number(v) === 0 && typeof exact === 'number' && exact !== 0 ? String(exact) : v;
    });
  });
}
const statusFill: Record<string, string> = { red: 'FFF4C7C3', amber: 'FFFCE8B2', green: 'FFB7E1CD' };

async function readCsv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/u, '');
  const records: string[][] = [];
  for await (const r of csvRecords(Readable.from([text]))) records.push(r.fields);
  const [header = [], ...rows] = records;
  return { header, rows };
}

/**
 * A sheet name Excel accepts, unique in the workbook (Excel compares names without case): none of
 * []:*?/\ (a slash, as in PAR30/90, becomes a hyphen), no quote at either end, at most 31
 * characters — a title cut inside brackets loses the opened bracket rather than ending on it.
 */
export function sheetName(title: string, taken: Set<string>): string {
  const base =
    title
      .replace(/[/\\]/gu, '-')
      .replace(/[[\]:*?]/gu, ' ')
      .replace(/\s+/gu, ' ')
      .replace(/^'+|'+$/gu, '')
      .trim() || 'sheet';
  const fit = (s: string, suffix = '') => {
    const chars = Array.from(s);
    if (chars.length + suffix.length <= 31) return `${s}${suffix}`;
    const cut = chars.slice(0, 31 - suffix.length).join('');
    return `${cut.replace(/\s*[(（][^)）]*$/u, '').trimEnd() || cut.trimEnd()}${suffix}`;
  };
  let name = fit(base);
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = fit(base, ` (${i})`);
  taken.add(name.toLowerCase());
  return name;
}

/** Display width of a cell's text: a CJK character is about two Latin ones wide. */
const displayWidth = (s: string) =>
  Array.from(s).reduce((w, ch) => w + (/[\u2e80-\u9fff\uff00-\uffef]/u.test(ch) ? 2 : 1), 0);

function addTable(
  wb: ExcelJS.Workbook,
  name: string,
  header: string[],
  rows: string[][],
  kindOf: (column: number, row: string[]) => CellKind,
  after?: (row: ExcelJS.Row, values: string[]) => void,
) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  const widths = header.map((h) => displayWidth(h));
  for (const values of rows) {
    const row = ws.addRow([]);
    values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      const kind = kindOf(i, values);
      if (v === '') return;
      if (kind.type === 'date') {
        cell.value = new Date(`${v}T00:00:00Z`);
        cell.numFmt = formats.date;
      } else if (kind.type === 'number' && numeric(v)) {
        cell.value = kind.points ? toPoints(v) : Number(v);
        cell.numFmt = kind.format === formats.pct ? pctFormat(Number(v)) : cellFormat(kind.format, Number(v));
      } else cell.value = v;
      // a formatted number is about as wide as its text plus grouping commas
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(v) + (kind.type === 'number' ? 4 : 0));
    });
    after?.(row, values);
  }
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, w + 2));
  });
  if (header.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
}

const summaryTitle = { 'zh-CN': '关键指标', en: 'Key figures' };
const breakdownTitle = (dim: string, lang: Lang) => {
  const label = (labels as Record<string, Record<Lang, string> | undefined>)[dim]?.[lang];
  if (lang === 'zh-CN') return `按${label ?? dim}`;
  return `By ${label ?? dim}`;
};

/**
 * `report.xlsx` from a written pack folder: one sheet per table — the key figures (summary.csv,
 * when the pack has it), each chart's data in the manifest's order under the chart's short sheet
 * name (sheet-names.ts), and each breakdown-*.csv in the pack's order — with number formats by column kind, the header row frozen and filtered,
 * and columns sized to their contents. The cells are the CSVs' values (numbers as numbers,
 * percentages as their fractions in a % format, money with the book's currency), so the workbook and
 * the CSVs never disagree — but for a change of a ratio, which is its percentage points (−0.06 pp).
 * The workbook's dates are the pack's month-end: a rebuild writes the same workbook.
 */
export async function writePackWorkbook(dir: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as PackManifest;
  // loaded on use: a quarter second of every CLI command's start otherwise
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'loanwatch';
  wb.created = wb.modified = new Date(`${manifest.period.monthEnd}T00:00:00Z`);
  const taken = new Set<string>();
  const money = moneyFormat(manifest.summary?.currencies, manifest.lang);

  if (existsSync(join(dir, 'summary.csv'))) {
    const { header, rows } = await readCsv(join(dir, 'summary.csv'));
    const unit = header.indexOf('unit');
    const status = header.indexOf('status');
    addTable(
      wb,
      sheetName(summaryTitle[manifest.lang], taken),
      header,
      unroundedTinyShares(dir, header, rows),
      (i, row) => summaryCellKind(header[i] ?? '', row[unit] ?? '', money, manifest.lang),
      (row, values) => {
        const fill = statusFill[values[status] ?? ''];
        if (status >= 0 && fill)
          row.getCell(status + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      },
    );
  }

  for (const chart of manifest.charts) {
    const path = join(dir, `${chart.id}.csv`);
    if (!existsSync(path)) continue;
    const { header, rows } = await readCsv(path);
    const kinds = header.map((h, i) =>
      chartColumnKind(
        chart.columns.find((c) => c.name === h),
        rows.map((r) => r[i] ?? ''),
        money,
      ),
    );
    addTable(
      wb,
      sheetName(chartSheetName(chart.id, chart.title, manifest.lang), taken),
      header,
      rows,
      (i) => kinds[i] ?? { type: 'text' },
    );
  }

  // in the pack's order (the PDF's: product, region, branch), any other after them by name
  const order = manifest.summary?.breakdowns ?? [];
  const rank = (file: string) => {
    const i = order.indexOf(file.replace(/^breakdown-|\.csv$/gu, ''));
    return i < 0 ? order.length : i;
  };
  for (const file of readdirSync(dir)
    .filter((f) => /^breakdown-.+\.csv$/u.test(f))
    .sort()
    .sort((a, b) => rank(a) - rank(b))) {
    const { header, rows } = await readCsv(join(dir, file));
    const kinds = header.map((h, i) =>
      inferredColumnKind(
        h,
        rows.map((r) => r[i] ?? ''),
        money,
        manifest.lang,
      ),
    );
    const dim = file.replace(/^breakdown-|\.csv$/gu, '');
    addTable(
      wb,
      sheetName(breakdownTitle(dim, manifest.lang), taken),
      header,
      rows,
      (i) => kinds[i] ?? { type: 'text' },
    );
  }

  const out = join(dir, 'report.xlsx');
  // in place only once complete (lib/atomic-file.ts)
  writeFileAtomic(out, new Uint8Array(await wb.xlsx.writeBuffer()));
  return out;
}
